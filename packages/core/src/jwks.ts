/**
 * Verification keys of an issuer (RFC 7517 JWK sets), fetched, cached and shared process-wide.
 *
 * A lookup on a warm cache is synchronous: two `Map` reads returning a `KeyObject` imported once
 * per fetch. Everything else — discovery, fetching, refresh, backoff — happens at most once at a
 * time per store (single-flight) and within one time budget per refresh.
 *
 * Does not: use `jku`, `x5u`, `jwk` or `x5c` from a token; keep state per unknown `kid` (a kid
 * flood costs at most one fetch per cooldown and no memory); wait longer than `timeoutMs` for any
 * refresh; reject a promise nobody awaits; call an event listener in a way that can break it.
 */
import type { KeyObject } from 'node:crypto';
import { GatehouseConfigError } from './config-error.js';
import { DEFAULTS } from './defaults.js';
import {
  AMBIGUOUS,
  ambiguousKeyError,
  findKey,
  importKeySet,
  type KeySet,
  KeySetError,
  noKeyError,
} from './internal/key-import.js';
import { RemoteKeyStore } from './remote-key-store.js';
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

/** Stores kept in the process-wide registry (least recently requested evicted first). */
const MAX_STORES = 1_000;
const registry = new Map<string, RemoteKeyStore>();

/**
 * One key store per (issuer, jwksUri, settings), shared by every verifier in the process, so N
 * verifiers of one issuer cost one fetch. At most 1,000 stores are kept (least recently requested
 * evicted; an evicted store keeps working for its holders); a shared store notifies the 16 most
 * recently registered distinct `onEvent` listeners.
 *
 * Defaults: {@link KEY_FETCH_DEFAULTS}. Discovery (OIDC Discovery §4, RFC 8414 §3) unless
 * `jwksUri` is given; a discovered `jwks_uri` is reused until `maxStaleMs` or until it answers
 * 404/410. Unreachable keys (cold outage, or stale past `maxStaleMs`) fail fast inside an
 * exponential backoff (1 s doubling, capped at `cooldownMs`) with `retryAfter`.
 *
 * Does not: validate the options (createVerifier does); refetch on `kid`s more than once per
 * `cooldownMs`; drop good keys because a refresh failed (until `maxStaleMs`).
 */
export function getRemoteKeyStore(options: RemoteKeyStoreOptions): KeyStore {
  const id = JSON.stringify([
    options.issuer,
    options.jwksUri ?? null,
    options.timeoutMs,
    options.cooldownMs,
    options.maxAgeMs,
    options.maxStaleMs,
    options.maxBytes,
    options.maxKeys,
    options.allowInsecureRequests,
    options.sameOrigin,
  ]);
  let store = registry.get(id);
  if (store === undefined) {
    store = new RemoteKeyStore(options);
    if (registry.size >= MAX_STORES) registry.delete(registry.keys().next().value as string);
  } else {
    registry.delete(id);
  }
  registry.set(id, store);
  if (options.onEvent !== undefined) store.addListener(options.onEvent);
  return store;
}

/**
 * A fixed key set given in configuration (`keys` option): no network. Same filtering as remote
 * sets. Throws `GatehouseConfigError` (path `keys`) when the set is malformed, holds more than
 * `maxKeys` entries or no usable verification key — a configuration error, found at startup.
 *
 * Does not: fetch, refresh or expire anything; retry an unknown `kid` (it is `invalid_token`).
 */
export function createStaticKeyStore(
  issuer: string,
  jwks: { keys: unknown[] },
  maxKeys: number,
): KeyStore {
  let set: KeySet;
  try {
    set = importKeySet(jwks, maxKeys);
  } catch (error) {
    const message = error instanceof KeySetError ? error.message : 'is not a valid JWK set';
    throw new GatehouseConfigError([{ path: 'keys', message }]);
  }
  if (set.keys.size === 0) {
    throw new GatehouseConfigError([{ path: 'keys', message: 'has no usable public signing key' }]);
  }
  return {
    issuer,
    async getKey(alg, kid) {
      const key = findKey(set, alg, kid);
      if (key === AMBIGUOUS) throw ambiguousKeyError(kid);
      if (key === undefined) throw noKeyError(kid);
      return key;
    },
    keyNow(alg, kid) {
      const key = findKey(set, alg, kid);
      return key === AMBIGUOUS ? undefined : key;
    },
  };
}
