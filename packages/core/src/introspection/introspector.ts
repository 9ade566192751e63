/**
 * Asking the authorization server about a token (RFC 7662 §2): one call per token at a time,
 * results cached until the token's `exp` within a bounded TTL, failures answered 503, and a
 * circuit breaker that answers 503 at once while the endpoint keeps failing.
 *
 * Does not: retry (a slow endpoint must not hold requests past the budget); cache failures;
 * follow redirects; read more than `maxBytes`; send the token anywhere but this issuer's
 * endpoint.
 */
import { fetchIssuerMetadata, jwksUriProblem } from '../discovery.js';
import { invalidToken } from '../errors.js';
import { emit } from '../internal/emit.js';
import {
  FetchFailure,
  type FetchJsonOptions,
  fetchJson,
  urlProblem,
} from '../internal/fetch-json.js';
import type { KeyStore } from '../jwks.js';
import type { AuthContext, EventListener } from '../types.js';
import { createBreaker } from './breaker.js';
import { introspectionRequest } from './client-auth.js';
import { JWT_RESPONSE_TYPE, readJwtResponse } from './jwt-response.js';
import { INTROSPECTION_DEFAULTS, type IntrospectionSettings } from './options.js';
import {
  type AcceptanceRules,
  introspectionUnavailable,
  readResponse,
  toAuthContext,
} from './response.js';
import {
  createMemoryStore,
  type IntrospectionRecord,
  type IntrospectionStore,
  storeKey,
} from './store.js';

export interface Introspector {
  /**
   * The `AuthContext` the endpoint's answer gives `token`. Rejects with `GatehouseError`:
   * `invalid_token` (inactive, expired, foreign…), `temporarily_unavailable` (endpoint down,
   * slow, answering an error or garbage).
   */
  introspect(token: string): Promise<AuthContext>;
  /**
   * Resolves when the endpoint says `token` is active (a locally verified JWT: revocation);
   * rejects as `introspect` does, with `invalid_token`/`token_inactive` when it is not.
   */
  checkActive(token: string): Promise<void>;
}

/** The issuer's key store and algorithms, for RFC 9701 JWT answers. */
export type ResponseKeys = () => { store: KeyStore; algorithms: ReadonlySet<string> };

export function createIntrospector(
  settings: IntrospectionSettings,
  rules: AcceptanceRules,
  onEvent: EventListener | undefined,
  responseKeys: ResponseKeys,
): Introspector {
  const store: IntrospectionStore | undefined =
    settings.cache === false
      ? undefined
      : (settings.cache.store ?? createMemoryStore(settings.cache.max, settings.cache.maxTtlMs));
  const inFlight = new Map<string, Promise<IntrospectionRecord>>();
  const breaker = createBreaker(settings.breaker.failures, settings.breaker.cooldownMs);
  let endpoint = settings.endpoint;
  let discovering: Promise<string> | undefined;

  const discoverEndpoint = (options: FetchJsonOptions): Promise<string> => {
    discovering ??= fetchIssuerMetadata(settings.issuer, options)
      .then(({ metadata }) => {
        const found = metadata['introspection_endpoint'];
        if (typeof found !== 'string') {
          throw new FetchFailure('discovery: metadata has no introspection_endpoint');
        }
        // The token goes there: the same rules as a discovered jwks_uri (no loopback or
        // link-local target for an issuer that is not one).
        const problem =
          urlProblem(found, settings.allowInsecureRequests) ??
          jwksUriProblem(found, settings.issuer, { sameOrigin: false });
        if (problem)
          throw new FetchFailure(`discovery: introspection_endpoint refused (${problem})`);
        endpoint = found;
        return found;
      })
      .finally(() => {
        discovering = undefined;
      });
    return discovering;
  };

  const ask = async (token: string): Promise<IntrospectionRecord> => {
    const options: FetchJsonOptions = {
      signal: AbortSignal.timeout(settings.timeoutMs),
      timeoutMs: settings.timeoutMs,
      maxBytes: settings.maxBytes,
      allowInsecureRequests: settings.allowInsecureRequests,
    };
    const url = endpoint ?? (await discoverEndpoint(options));
    const jwt = settings.response === 'jwt';
    const { body, headers } = await fetchJson(url, {
      ...options,
      post: introspectionRequest(settings, token),
      ...(jwt ? { text: JWT_RESPONSE_TYPE } : {}),
    });
    if (!jwt) return readResponse(body);
    const answer = await readJwtResponse(
      body as string,
      headers.get('content-type'),
      {
        issuer: settings.issuer,
        clientId: settings.clientId,
        keys: responseKeys(),
        clockToleranceMs: rules.clockToleranceMs,
        maxBytes: settings.maxBytes,
      },
      Date.now(),
    );
    return readResponse(answer);
  };

  /** `ask`, unless the breaker is open; feeds the breaker and reports failures and recovery. */
  const call = async (token: string): Promise<IntrospectionRecord> => {
    const waitSeconds = breaker.refuse(Date.now());
    if (waitSeconds !== undefined) {
      throw introspectionUnavailable(waitSeconds, new FetchFailure('circuit breaker open'));
    }
    let record: IntrospectionRecord;
    try {
      record = await ask(token);
    } catch (error) {
      const { failures, opened } = breaker.failed(Date.now());
      const detail = error instanceof FetchFailure ? error.detail : 'unexpected error';
      emit(onEvent, {
        type: 'introspection_failed',
        issuer: settings.issuer,
        detail,
        failures,
        ...(endpoint === undefined ? {} : { endpoint }),
        ...(opened ? { breakerOpenFor: settings.breaker.cooldownMs / 1000 } : {}),
      });
      throw introspectionUnavailable(settings.retryAfter, error);
    }
    const afterFailures = breaker.succeeded();
    if (afterFailures > 0) {
      emit(onEvent, {
        type: 'introspection_recovered',
        issuer: settings.issuer,
        endpoint: endpoint ?? '',
        afterFailures,
      });
    }
    return record;
  };

  const remember = (key: string, record: IntrospectionRecord): void => {
    if (!store || settings.cache === false) return;
    const maxTtlMs = settings.cache.maxTtlMs;
    const exp = record.active ? record.claims['exp'] : undefined;
    const ttlMs = !record.active
      ? Math.min(maxTtlMs, INTROSPECTION_DEFAULTS.negativeTtl * 1000)
      : typeof exp === 'number'
        ? Math.min(maxTtlMs, exp * 1000 - Date.now())
        : maxTtlMs;
    if (ttlMs <= 0) return;
    // A failing store is a cache miss next time, not a failed request.
    Promise.resolve()
      .then(() => store.set(key, record, ttlMs))
      .catch(() => {});
  };

  const recall = async (key: string): Promise<IntrospectionRecord | undefined> => {
    if (!store) return undefined;
    try {
      const record = (await store.get(key)) ?? undefined;
      // A shared store's entry is read like an endpoint's answer: a malformed one is a miss.
      return record?.active ? readResponse({ ...record.claims, active: true }) : record;
    } catch {
      return undefined;
    }
  };

  const lookup = async (token: string): Promise<IntrospectionRecord> => {
    const key = storeKey(settings.issuer, token);
    const cached = inFlight.has(key) ? undefined : await recall(key);
    if (cached) return cached;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = call(token).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
      pending.then((record) => remember(key, record)).catch(() => {});
    }
    return pending;
  };

  return {
    async introspect(token) {
      return toAuthContext(token, await lookup(token), rules, Date.now());
    },
    async checkActive(token) {
      const record = await lookup(token);
      if (!record.active) throw invalidToken('token_inactive', 'the token is not active');
    },
  };
}
