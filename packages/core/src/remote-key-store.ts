/**
 * The remote key store behind `getRemoteKeyStore`: cache, single-flight refresh, cooldown,
 * stale-if-error and backoff for one issuer's JWKS. Public contract and defaults: `key-store.ts`.
 *
 * Does not: keep state per unknown `kid`; wait longer than `timeoutMs` for a refresh; reject a
 * promise nobody awaits; let an event listener break a lookup.
 */
import type { KeyObject } from 'node:crypto';
import { discoverIssuer } from './discovery.js';
import { GatehouseError } from './errors.js';
import { emit } from './internal/emit.js';
import { FetchFailure, type FetchJsonOptions, fetchJson } from './internal/fetch-json.js';
import {
  AMBIGUOUS,
  ambiguousKeyError,
  findKey,
  importKeySet,
  type KeySet,
  KeySetError,
  noKeyError,
  SUPPORTED_ALGORITHMS,
} from './internal/key-import.js';
import type {
  KeyFetchSettings,
  KeyStore,
  KeyStoreHealth,
  RemoteKeyStoreOptions,
} from './key-store.js';
import type { EventListener, GatehouseEvent } from './types.js';

type Trigger = 'initial' | 'max_age' | 'unknown_kid';
type Outcome = 'ok' | 'failed';

const BACKOFF_BASE_MS = 1_000;
const MAX_AGE_FLOOR_MS = 60_000;
const MAX_AGE_CEILING_MS = 86_400_000;
/** Listeners kept per shared store; verifiers created in a loop must not grow it. */
const MAX_LISTENERS = 16;

export class RemoteKeyStore implements KeyStore {
  readonly issuer: string;
  readonly #settings: KeyFetchSettings;
  readonly #configuredJwksUri: string | undefined;
  readonly #listeners = new Set<EventListener>();
  #set: KeySet | undefined;
  #freshUntil = 0;
  #usableUntil = 0;
  #discoveredJwksUri: string | undefined;
  #discoveredUntil = 0;
  #inflight: Promise<Outcome> | undefined;
  #lastKidRefetchAt = Number.NEGATIVE_INFINITY;
  #failures = 0;
  #retryAt = 0;
  #lastFailure: unknown;
  #lastRefreshAt: number | undefined;
  #lastError: { detail: string; url: string | undefined; at: number } | undefined;

  constructor(options: RemoteKeyStoreOptions) {
    this.issuer = options.issuer;
    this.#configuredJwksUri = options.jwksUri;
    this.#settings = {
      timeoutMs: options.timeoutMs,
      cooldownMs: options.cooldownMs,
      maxAgeMs: options.maxAgeMs,
      maxStaleMs: options.maxStaleMs,
      maxBytes: options.maxBytes,
      maxKeys: options.maxKeys,
      allowInsecureRequests: options.allowInsecureRequests,
      fetch: options.fetch,
      sameOrigin: options.sameOrigin,
    };
  }

  addListener(listener: EventListener): void {
    this.#listeners.delete(listener);
    this.#listeners.add(listener);
    if (this.#listeners.size > MAX_LISTENERS) {
      this.#listeners.delete(this.#listeners.values().next().value as EventListener);
    }
  }

  async getKey(alg: string, kid: string | undefined): Promise<KeyObject> {
    const key = this.#usableKey(alg, kid);
    if (key === AMBIGUOUS) throw ambiguousKeyError(kid);
    return key ?? this.#getKeySlow(alg, kid);
  }

  keyNow(alg: string, kid: string | undefined): KeyObject | undefined {
    const key = this.#usableKey(alg, kid);
    return key === AMBIGUOUS ? undefined : key;
  }

  /** The match in the current set while it is usable (refreshing it in the background once stale). */
  #usableKey(alg: string, kid: string | undefined): ReturnType<typeof findKey> | undefined {
    const set = this.#set;
    if (set === undefined) return undefined;
    const now = Date.now();
    if (now >= this.#usableUntil) return undefined;
    if (now >= this.#freshUntil) this.#refreshInBackground(now);
    return findKey(set, alg, kid);
  }

  /**
   * Resolves once keys are usable: at once when they are fresh, else after a refresh now (joining
   * one in flight). Rejects with the `FetchFailure` (its `url` and `detail`) when no usable key
   * can be had; inside the backoff window, at once with the last failure.
   */
  async ready(): Promise<void> {
    const now = Date.now();
    if (this.#set !== undefined && now < this.#freshUntil) return;
    await this.#refresh(this.#set === undefined ? 'initial' : 'max_age', now);
    if (this.#set === undefined || Date.now() >= this.#usableUntil) {
      throw this.#lastFailure ?? new FetchFailure('no keys loaded');
    }
  }

  health(): KeyStoreHealth {
    const now = Date.now();
    const usable = this.#set !== undefined && now < this.#usableUntil;
    const health: KeyStoreHealth = {
      issuer: this.issuer,
      keyCount: usable ? (this.#set?.keys.size ?? 0) : 0,
      ready: usable,
      stale: usable && this.#failures > 0 && now >= this.#freshUntil,
      failures: this.#failures,
    };
    const jwksUri = this.#configuredJwksUri ?? this.#discoveredJwksUri;
    if (jwksUri !== undefined) health.jwksUri = jwksUri;
    if (this.#lastRefreshAt !== undefined) {
      health.lastRefresh = new Date(this.#lastRefreshAt).toISOString();
    }
    if (this.#lastError !== undefined) {
      health.lastError = {
        detail: this.#lastError.detail,
        ...(this.#lastError.url === undefined ? {} : { url: this.#lastError.url }),
        at: new Date(this.#lastError.at).toISOString(),
      };
    }
    return health;
  }

  async #getKeySlow(alg: string, kid: string | undefined): Promise<KeyObject> {
    // An algorithm no key can serve never has a candidate: no refetch for it.
    if (!SUPPORTED_ALGORITHMS.has(alg)) throw noKeyError(kid);
    const now = Date.now();
    let outcome: Outcome;
    if (this.#set !== undefined && now < this.#usableUntil) {
      // Usable keys, none for this token: perhaps a key rotated in since the last fetch.
      if (this.#inflight === undefined) {
        if (now < this.#retryAt) throw this.#unavailable(now);
        const refetchAt = this.#lastKidRefetchAt + this.#settings.cooldownMs;
        if (now < refetchAt) {
          // The issuer may have published the key since the last refetch (or, failing, may hold
          // it): "try again then", not "bad token", or one random kid per cooldown would keep
          // every token of a newly published key refused.
          throw this.#failures > 0
            ? this.#unavailable(now, refetchAt)
            : unknownKidRetryLater(kid, Math.ceil((refetchAt - now) / 1000));
        }
        this.#lastKidRefetchAt = now;
      }
      outcome = await this.#refresh('unknown_kid', now);
    } else {
      outcome = await this.#refresh(this.#set === undefined ? 'initial' : 'max_age', now);
    }
    if (outcome === 'failed' || this.#set === undefined) throw this.#unavailable(Date.now());
    const key = findKey(this.#set, alg, kid);
    if (key === AMBIGUOUS) throw ambiguousKeyError(kid);
    if (key === undefined) throw noKeyError(kid);
    return key;
  }

  #refreshInBackground(now: number): void {
    if (this.#inflight !== undefined || now < this.#retryAt) return;
    // #refresh never rejects, so nothing here can become an unhandled rejection.
    void this.#refresh('max_age', now);
  }

  /** Joins the refresh in flight, fails fast inside the backoff window, else starts one. */
  #refresh(trigger: Trigger, now: number): Promise<Outcome> {
    if (this.#inflight !== undefined) return this.#inflight;
    if (now < this.#retryAt) return Promise.resolve('failed');
    const refresh = this.#fetchKeys(trigger).then((outcome) => {
      this.#inflight = undefined;
      return outcome;
    });
    this.#inflight = refresh;
    return refresh;
  }

  async #fetchKeys(trigger: Trigger): Promise<Outcome> {
    const { timeoutMs, maxBytes, allowInsecureRequests, fetch } = this.#settings;
    // One budget for discovery and JWKS together (AbortSignal.timeout runs on real timers).
    const fetchOptions: FetchJsonOptions = {
      fetch,
      signal: AbortSignal.timeout(timeoutMs),
      timeoutMs,
      maxBytes,
      allowInsecureRequests,
    };
    let jwksUri = this.#configuredJwksUri ?? this.#discoveredJwksUri;
    try {
      let discoveredNow = false;
      if (
        jwksUri === undefined ||
        (!this.#configuredJwksUri && Date.now() >= this.#discoveredUntil)
      ) {
        jwksUri = await this.#discover(fetchOptions);
        discoveredNow = true;
      }
      let response: Awaited<ReturnType<typeof fetchJson>>;
      try {
        response = await fetchJson(jwksUri, fetchOptions);
      } catch (error) {
        // The issuer may have moved its keys: re-discover once, within the same budget.
        const gone =
          error instanceof FetchFailure && (error.status === 404 || error.status === 410);
        if (!gone || discoveredNow || this.#configuredJwksUri !== undefined) throw error;
        jwksUri = await this.#discover(fetchOptions);
        response = await fetchJson(jwksUri, fetchOptions);
      }
      const set = importKeySet(response.body, this.#settings.maxKeys, this.#set);
      const now = Date.now();
      this.#set = set;
      this.#freshUntil =
        now + effectiveMaxAge(response.headers.get('cache-control'), this.#settings.maxAgeMs);
      this.#usableUntil = this.#freshUntil + this.#settings.maxStaleMs;
      const afterFailures = this.#failures;
      this.#failures = 0;
      this.#retryAt = 0;
      this.#lastFailure = undefined;
      this.#lastRefreshAt = now;
      this.#emit({
        type: 'keys_refreshed',
        issuer: this.issuer,
        jwksUri,
        keyCount: set.keys.size,
        trigger,
        ...(afterFailures > 0 ? { afterFailures } : {}),
      });
      return 'ok';
    } catch (error) {
      const now = Date.now();
      const { cooldownMs } = this.#settings;
      this.#failures += 1;
      const backoff = Math.min(BACKOFF_BASE_MS, cooldownMs) * 2 ** Math.min(this.#failures - 1, 20);
      this.#retryAt = now + Math.min(backoff, cooldownMs);
      this.#lastFailure = error;
      const detail = failureDetail(error);
      const url = error instanceof FetchFailure ? error.url : undefined;
      const metadataIssuer = error instanceof FetchFailure ? error.metadataIssuer : undefined;
      this.#lastError = { detail, url, at: now };
      this.#emit({
        type: 'keys_refresh_failed',
        issuer: this.issuer,
        jwksUri: jwksUri ?? '',
        stale: this.#set !== undefined && now < this.#usableUntil,
        detail,
        ...(url === undefined ? {} : { url }),
        failures: this.#failures,
        ...(metadataIssuer === undefined ? {} : { metadataIssuer }),
      });
      return 'failed';
    }
  }

  async #discover(fetchOptions: FetchJsonOptions): Promise<string> {
    const metadata = await discoverIssuer(this.issuer, fetchOptions, {
      sameOrigin: this.#settings.sameOrigin,
    });
    this.#discoveredJwksUri = metadata.jwksUri;
    this.#discoveredUntil = Date.now() + this.#settings.maxStaleMs;
    this.#emit({ type: 'discovery', issuer: this.issuer, jwksUri: metadata.jwksUri });
    return metadata.jwksUri;
  }

  /** 503 until the backoff ends, or `notBefore` if later (no refetch is made before then). */
  #unavailable(now: number, notBefore = 0): GatehouseError {
    const until = Math.max(this.#retryAt, notBefore, now + 1);
    return new GatehouseError(
      'temporarily_unavailable',
      'keys_unavailable',
      'the signing keys of the token issuer cannot be retrieved at the moment',
      { retryAfter: Math.max(1, Math.ceil((until - now) / 1000)), cause: this.#lastFailure },
    );
  }

  #emit(event: GatehouseEvent): void {
    for (const listener of this.#listeners) emit(listener, event);
  }
}

function unknownKidRetryLater(kid: string | undefined, retryAfter: number): GatehouseError {
  return new GatehouseError(
    'temporarily_unavailable',
    'unknown_kid',
    kid === undefined
      ? 'no key of the issuer matches the token algorithm yet; the keys are refetched shortly'
      : 'the token kid is not among the issuer keys yet; the keys are refetched shortly',
    { retryAfter: Math.max(1, retryAfter) },
  );
}

/** `max-age` of a response (RFC 9111 §5.2.2.1), clamped; the configured value when absent. */
function effectiveMaxAge(cacheControl: string | null, configuredMs: number): number {
  const match =
    cacheControl === null
      ? null
      : /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(cacheControl);
  if (match === null) return configuredMs;
  const floor = Math.min(MAX_AGE_FLOOR_MS, configuredMs);
  const ceiling = Math.max(MAX_AGE_CEILING_MS, configuredMs);
  return Math.min(Math.max(Number(match[1]) * 1000, floor), ceiling);
}

function failureDetail(error: unknown): string {
  if (error instanceof FetchFailure) return error.detail;
  if (error instanceof KeySetError) return `invalid key set: ${error.message}`;
  return 'unexpected error';
}
