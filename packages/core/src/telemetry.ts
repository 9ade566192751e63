/**
 * OpenTelemetry metrics and span attributes (the `telemetry` option), through
 * `@opentelemetry/api`, an optional peer dependency: it is loaded only when the option is set, so
 * an application without it pays nothing and imports nothing. With the option unset the verifier
 * runs its plain functions: no wrapper, no clock read, no branch on the cache-hit path.
 *
 * Instruments (meter `@gatehouse/core`):
 * - `gatehouse.decisions` (counter): `gatehouse.outcome` = `allowed` | `refused`, and for
 *   refusals `gatehouse.error_code` and `gatehouse.reason` (closed sets, see `ErrorReason`).
 * - `gatehouse.verification.duration` (histogram, seconds): `gatehouse.outcome`,
 *   `gatehouse.cache.result`.
 * - `gatehouse.cache.lookups` (counter): `gatehouse.cache` = `token` | `user`,
 *   `gatehouse.cache.result` = `hit` | `miss`.
 * - `gatehouse.key_fetches` (counter): `gatehouse.issuer`, `gatehouse.outcome` = `ok` | `failed`.
 *
 * On the span active when a verification starts: `gatehouse.outcome`, `gatehouse.issuer`,
 * `gatehouse.cache.result`, and for refusals `gatehouse.error_code` and `gatehouse.reason`.
 *
 * Does not: create spans of its own; put a token, a subject or any claim into an attribute (the
 * issuer is one of the configured ones); read the token's claims for a refusal.
 */
import { createRequire } from 'node:module';
import { GatehouseConfigError } from './config-error.js';
import { isGatehouseError } from './errors.js';
import type { AuthContext, EventListener } from './types.js';

type AttributeValue = string | number | boolean;
type Attributes = Record<string, AttributeValue>;

interface CounterLike {
  add(value: number, attributes?: Attributes): void;
}
interface HistogramLike {
  record(value: number, attributes?: Attributes): void;
}
interface MeterLike {
  createCounter(name: string, options?: { description?: string; unit?: string }): CounterLike;
  createHistogram(
    name: string,
    options?: {
      description?: string;
      unit?: string;
      advice?: { explicitBucketBoundaries?: number[] };
    },
  ): HistogramLike;
}

/** An OpenTelemetry `MeterProvider` (e.g. from `@opentelemetry/sdk-metrics`). */
export interface MeterProviderLike {
  getMeter(name: string): MeterLike;
}

interface SpanLike {
  setAttributes(attributes: Attributes): unknown;
}

/** The part of `@opentelemetry/api` used here. */
export interface OtelApi {
  metrics: { getMeterProvider(): MeterProviderLike };
  trace: { getActiveSpan(): SpanLike | undefined };
}

/**
 * The `telemetry` option: `true` uses the global providers registered with `@opentelemetry/api`
 * (start the SDK before creating the verifier); `{ meterProvider }` uses that provider for
 * metrics. Span attributes always go to the active span of the global context.
 */
export type TelemetryOptions = true | { meterProvider?: MeterProviderLike };

type Outcome<T> = T | Promise<T>;
type CacheName = 'token' | 'user';

/** Loads `@opentelemetry/api` now, or throws `GatehouseConfigError` naming the option. */
export function loadOtelApi(specifier = '@opentelemetry/api'): OtelApi {
  try {
    return createRequire(import.meta.url)(specifier) as OtelApi;
  } catch {
    throw new GatehouseConfigError([
      {
        path: 'telemetry',
        message: `needs the optional peer dependency ${specifier}: npm install ${specifier}`,
      },
    ]);
  }
}

// Seconds, from a cache hit (microseconds) to a slow key fetch.
const BUCKETS = [
  0.000_01, 0.000_025, 0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025,
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];

// Which verifier a telemetry belongs to, for the adapter layer's user-cache counts.
const byVerifier = new WeakMap<object, Telemetry>();

/** The telemetry of a verifier made by `createVerifier` with the `telemetry` option. */
export const telemetryOf = (verifier: object): Telemetry | undefined => byVerifier.get(verifier);

/** Metrics and span attributes for one verifier; see the module comment for names. */
export class Telemetry {
  readonly #api: OtelApi;
  readonly #decisions: CounterLike;
  readonly #duration: HistogramLike;
  readonly #lookups: CounterLike;
  readonly #keyFetches: CounterLike;
  // Attribute sets are few and fixed: made once, not per request.
  readonly #refusedAttributes = new Map<string, Attributes>();

  constructor(options: TelemetryOptions, api: OtelApi = loadOtelApi()) {
    this.#api = api;
    const provider =
      options === true
        ? api.metrics.getMeterProvider()
        : (options.meterProvider ?? api.metrics.getMeterProvider());
    const meter = provider.getMeter('@gatehouse/core');
    this.#decisions = meter.createCounter('gatehouse.decisions', {
      description: 'Requests allowed or refused, by reason',
      unit: '{decision}',
    });
    this.#duration = meter.createHistogram('gatehouse.verification.duration', {
      description: 'Time to verify a token, cache hits included',
      unit: 's',
      advice: { explicitBucketBoundaries: BUCKETS },
    });
    this.#lookups = meter.createCounter('gatehouse.cache.lookups', {
      description: 'Verified-token and user cache lookups, by result',
      unit: '{lookup}',
    });
    this.#keyFetches = meter.createCounter('gatehouse.key_fetches', {
      description: 'Discovery and JWKS fetches, by issuer and outcome',
      unit: '{fetch}',
    });
  }

  /** Makes this the telemetry `telemetryOf(verifier)` answers. */
  attach<V extends object>(verifier: V): V {
    byVerifier.set(verifier, this);
    return verifier;
  }

  /** Counts key fetches from the key stores' events. */
  readonly listener: EventListener = (event) => {
    if (event.type === 'keys_refreshed' || event.type === 'keys_refresh_failed') {
      this.#keyFetches.add(1, {
        'gatehouse.issuer': event.issuer,
        'gatehouse.outcome': event.type === 'keys_refreshed' ? 'ok' : 'failed',
      });
    }
  };

  /**
   * `verify` measured: an answer given at once is a cache hit; with the cache on, a promise is a
   * miss, unless it is refused before a token was found (no or malformed credentials).
   */
  observe<Input>(
    verify: (input: Input) => Outcome<AuthContext>,
    cacheOn: boolean,
  ): (input: Input) => Outcome<AuthContext> {
    return (input) => {
      const span = this.#api.trace.getActiveSpan();
      const start = performance.now();
      const outcome = verify(input);
      if (!(outcome instanceof Promise)) {
        this.#lookups.add(1, TOKEN_HIT);
        this.#allowed(outcome, start, span, 'hit');
        return outcome;
      }
      return outcome.then(
        (auth) => {
          if (cacheOn) this.#lookups.add(1, TOKEN_MISS);
          this.#allowed(auth, start, span, cacheOn ? 'miss' : 'none');
          return auth;
        },
        (error: unknown) => {
          const looked = cacheOn && !isCredentialRefusal(error);
          if (looked) this.#lookups.add(1, TOKEN_MISS);
          this.#refused(error, start, span, looked ? 'miss' : 'none');
          throw error;
        },
      );
    };
  }

  /** A user resolver measured: an answer given at once is a user-cache hit. */
  observeUsers<Args extends unknown[], User>(
    resolve: (...args: Args) => Outcome<User>,
  ): (...args: Args) => Outcome<User> {
    return (...args) => {
      const outcome = resolve(...args);
      this.#lookups.add(1, outcome instanceof Promise ? USER_MISS : USER_HIT);
      return outcome;
    };
  }

  #allowed(auth: AuthContext, start: number, span: SpanLike | undefined, cache: string): void {
    this.#decisions.add(1, ALLOWED);
    this.#duration.record((performance.now() - start) / 1000, durationAttributes('allowed', cache));
    span?.setAttributes({
      'gatehouse.outcome': 'allowed',
      'gatehouse.issuer': auth.issuer,
      'gatehouse.cache.result': cache,
    });
  }

  #refused(error: unknown, start: number, span: SpanLike | undefined, cache: string): void {
    // resolveUser's own errors are not refusals of Gatehouse; they are left to the application.
    if (!isGatehouseError(error)) return;
    const key = `${error.code} ${error.reason}`;
    let attributes = this.#refusedAttributes.get(key);
    if (attributes === undefined) {
      attributes = {
        'gatehouse.outcome': 'refused',
        'gatehouse.error_code': error.code,
        'gatehouse.reason': error.reason,
      };
      this.#refusedAttributes.set(key, attributes);
    }
    this.#decisions.add(1, attributes);
    this.#duration.record((performance.now() - start) / 1000, durationAttributes('refused', cache));
    span?.setAttributes({ ...attributes, 'gatehouse.cache.result': cache });
  }
}

/** Refused while reading the `Authorization` header: no token reached the cache. */
const isCredentialRefusal = (error: unknown) =>
  isGatehouseError(error) && (error.code === 'unauthorized' || error.code === 'invalid_request');

const ALLOWED: Attributes = { 'gatehouse.outcome': 'allowed' };
const lookup = (cache: CacheName, result: 'hit' | 'miss'): Attributes => ({
  'gatehouse.cache': cache,
  'gatehouse.cache.result': result,
});
const TOKEN_HIT = lookup('token', 'hit');
const TOKEN_MISS = lookup('token', 'miss');
const USER_HIT = lookup('user', 'hit');
const USER_MISS = lookup('user', 'miss');

const DURATION_ATTRIBUTES = new Map<string, Attributes>();
function durationAttributes(outcome: string, cache: string): Attributes {
  const key = `${outcome} ${cache}`;
  let attributes = DURATION_ATTRIBUTES.get(key);
  if (attributes === undefined) {
    attributes = { 'gatehouse.outcome': outcome, 'gatehouse.cache.result': cache };
    DURATION_ATTRIBUTES.set(key, attributes);
  }
  return attributes;
}
