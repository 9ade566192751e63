/**
 * Asking the authorization server about a token (RFC 7662 §2): one call per token at a time,
 * results cached until the token's `exp` within a bounded TTL, failures answered 503.
 *
 * Does not: retry (a slow endpoint must not hold requests past the budget); cache failures;
 * follow redirects; read more than `maxBytes`; send the token anywhere but the endpoint of the
 * one issuer configured for introspection.
 */
import { fetchIssuerMetadata, jwksUriProblem } from '../discovery.js';
import { emit } from '../internal/emit.js';
import {
  FetchFailure,
  type FetchJsonOptions,
  fetchJson,
  urlProblem,
} from '../internal/fetch-json.js';
import type { AuthContext, EventListener } from '../types.js';
import { introspectionRequest } from './client-auth.js';
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
}

export function createIntrospector(
  settings: IntrospectionSettings,
  rules: AcceptanceRules,
  onEvent: EventListener | undefined,
): Introspector {
  const store: IntrospectionStore | undefined =
    settings.cache === false
      ? undefined
      : (settings.cache.store ?? createMemoryStore(settings.cache.max, settings.cache.maxTtlMs));
  const inFlight = new Map<string, Promise<IntrospectionRecord>>();
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
    const { body } = await fetchJson(url, {
      ...options,
      post: introspectionRequest(settings, token),
    });
    return readResponse(body);
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
      return (await store.get(key)) ?? undefined;
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
      pending = ask(token).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
      pending.then((record) => remember(key, record)).catch(() => {});
    }
    return pending;
  };

  return {
    async introspect(token) {
      let record: IntrospectionRecord;
      try {
        record = await lookup(token);
      } catch (error) {
        const detail = error instanceof FetchFailure ? error.detail : 'unexpected error';
        emit(onEvent, { type: 'introspection_failed', issuer: settings.issuer, detail });
        throw introspectionUnavailable(settings.retryAfter, error);
      }
      return toAuthContext(token, record, rules, Date.now());
    },
  };
}
