/**
 * The contract of a key store — what a verifier asks of one (`KeyStore`), what it reports
 * (`KeyStoreHealth`) — and the settings and defaults of remote ones. Implementations:
 * `jwks.ts` (registry, static sets), `remote-key-store.ts`, `key-stores.ts` (the secret).
 */
import type { KeyObject } from 'node:crypto';
import { DEFAULTS } from './defaults.js';
import type { FetchLike } from './internal/fetch-json.js';
import type { EventListener } from './types.js';

/** Tuning of remote key retrieval; all durations in milliseconds (converted from options). */
export interface KeyFetchSettings {
  /** Total budget for discovery + JWKS fetch of one refresh. Default 5 s. */
  timeoutMs: number;
  /** Minimum time between two refetches caused by unknown `kid`s. Default 30 s. */
  cooldownMs: number;
  /**
   * Refresh keys older than this. Default 10 min. A `Cache-Control: max-age` on the JWKS response
   * replaces it, clamped to [min(1 min, maxAgeMs), max(24 h, maxAgeMs)].
   */
  maxAgeMs: number;
  /** Serve the last good keys this long after they should have been refreshed, while the issuer is down. Default 24 h. */
  maxStaleMs: number;
  /** Largest metadata / JWKS response body accepted. Default 512 KiB. */
  maxBytes: number;
  /** Most keys accepted from one JWKS; a larger set is refused as a whole. Default 100. */
  maxKeys: number;
  /** Allow `http:` URLs for non-loopback hosts. Default false. */
  allowInsecureRequests: boolean;
  /** The `fetch` for discovery and keys (proxy, private CA, mTLS). Default: the global one. */
  fetch?: FetchLike | undefined;
  /** A discovered `jwks_uri` must have the issuer's origin. Default false. */
  sameOrigin: boolean;
}

/** Defaults of {@link KeyFetchSettings}. */
export const KEY_FETCH_DEFAULTS: Readonly<KeyFetchSettings> = Object.freeze({
  timeoutMs: DEFAULTS.keyFetch.timeout * 1000,
  cooldownMs: DEFAULTS.keyFetch.cooldown * 1000,
  maxAgeMs: DEFAULTS.keyFetch.maxAge * 1000,
  maxStaleMs: DEFAULTS.keyFetch.maxStale * 1000,
  maxBytes: DEFAULTS.keyFetch.maxBytes,
  maxKeys: DEFAULTS.keyFetch.maxKeys,
  allowInsecureRequests: false,
  sameOrigin: false,
});

/**
 * Where a verifier gets the key for a token: one store per issuer, so keys from one issuer never
 * verify another issuer's tokens (RFC 9068 §4, RFC 8725 §3.8). A key is a candidate when its
 * `kid` equals the token's (or the token has none and exactly one key fits), its family fits the
 * token `alg` (RFC 7518 §3.1) and its own `alg`, when present, equals the token's (RFC 7517 §4.4).
 *
 * Does not: look at `jku`, `x5u`, `jwk` or `x5c`; verify signatures.
 */
export interface KeyStore {
  readonly issuer: string;
  /**
   * The verification key for a token of this issuer with header `alg` and `kid`.
   * Throws GatehouseError: invalid_token/unknown_kid (after at most one refetch per cooldown),
   * invalid_token/ambiguous_key, or temporarily_unavailable/keys_unavailable with `retryAfter`.
   */
  getKey(alg: string, kid: string | undefined): Promise<KeyObject>;
  /**
   * `getKey`'s answer when it needs no I/O and is a key: the current set holds exactly one match.
   * Otherwise `undefined`, and the caller asks `getKey`. Spares the common case a promise.
   */
  keyNow(alg: string, kid: string | undefined): KeyObject | undefined;
  /**
   * Remote stores: resolves once keys are usable, fetching them now if they are not fresh;
   * rejects with the failure (URL and cause) otherwise. Absent: the keys are configured.
   */
  ready?(): Promise<void>;
  /** A snapshot for readiness endpoints (`verifier.health()`). */
  health?(): KeyStoreHealth;
}

/** The state of one issuer's keys, for a readiness endpoint (`verifier.health()`). */
export interface KeyStoreHealth {
  issuer: string;
  /** The JWKS URL, configured or discovered (absent until discovery succeeded; or static keys). */
  jwksUri?: string;
  /** Keys usable now: loaded, and not past `maxStale`. */
  ready: boolean;
  /** Usable keys in the current set (0 when not `ready`). */
  keyCount: number;
  /** True when the keys are past their max-age and the last refresh failed (stale-if-error). */
  stale: boolean;
  /** Failed refreshes in a row (0 after a success). */
  failures: number;
  /** When keys were last fetched, ISO 8601. */
  lastRefresh?: string;
  /** The last failed refresh, kept after a recovery: safe detail, URL, ISO 8601 time. */
  lastError?: { detail: string; url?: string; at: string };
}

/** What `getRemoteKeyStore` needs: the issuer, the settings and optionally a fixed `jwksUri`. */
export interface RemoteKeyStoreOptions extends KeyFetchSettings {
  /** Exactly as configured: discovery metadata must name this very string (OIDC Discovery §4.3). */
  issuer: string;
  /** Skip discovery. */
  jwksUri?: string;
  /** Receives `discovery`, `keys_refreshed` and `keys_refresh_failed`; errors it throws are ignored. */
  onEvent?: EventListener;
}
