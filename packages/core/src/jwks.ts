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
import { GatehouseConfigError } from './config-error.js';
import type { FetchLike } from './internal/fetch-json.js';
import {
  AMBIGUOUS,
  ambiguousKeyError,
  findKey,
  importKeySet,
  type KeySet,
  KeySetError,
  noKeyError,
} from './internal/key-import.js';
import type { KeyStore, RemoteKeyStoreOptions } from './key-store.js';
import { RemoteKeyStore } from './remote-key-store.js';

// The contract lives in key-store.ts (so remote-key-store.ts need not import this module);
// it is re-exported here, where the stores are obtained.
export type {
  KeyFetchSettings,
  KeyStore,
  KeyStoreHealth,
  RemoteKeyStoreOptions,
} from './key-store.js';
export { KEY_FETCH_DEFAULTS } from './key-store.js';

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
    options.fetch === undefined ? null : fetchId(options.fetch),
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

// A store is shared only by verifiers that fetch the same way: one id per fetch function.
const fetchIds = new WeakMap<FetchLike, number>();
let lastFetchId = 0;
function fetchId(fetch: FetchLike): number {
  let id = fetchIds.get(fetch);
  if (id === undefined) {
    id = ++lastFetchId;
    fetchIds.set(fetch, id);
  }
  return id;
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
    health: () => ({ issuer, ready: true, keyCount: set.keys.size, stale: false, failures: 0 }),
  };
}
