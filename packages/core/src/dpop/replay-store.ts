/**
 * Single-use keys with an expiry: what DPoP proof replay detection needs (RFC 9449 §11.1), and
 * the one primitive that must be shared by every instance of an API. `@gatehouse/redis` provides
 * one for several instances; `createMemoryReplayStore` is the default for one process.
 */

/**
 * A store of keys that may each be used once until they expire.
 *
 * Keys are namespaced by their user (`dpop:` for DPoP proofs), so one store (one Redis
 * connection) can serve several Gatehouse features. Implementations must be atomic across every
 * process that shares them: two concurrent `useOnce` calls for one key must not both get `true`.
 */
export interface ReplayStore {
  /**
   * Records `key` until `expiresAtMs` (epoch milliseconds). Resolves `true` when the key was not
   * recorded yet (first use), `false` when it already was (a replay). Rejects when it cannot
   * tell (store unreachable, full, too slow): Gatehouse then refuses the request with a 503 and
   * never accepts it.
   */
  useOnce(key: string, expiresAtMs: number): Promise<boolean>;
}

/** Options of `createMemoryReplayStore`. */
export interface MemoryReplayStoreOptions {
  /** Most keys held at once. Default 100 000 (about 10 MB). */
  maxEntries?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/** Thrown (as a rejection) by the memory store when every slot holds an unexpired key. */
export class ReplayStoreFullError extends Error {
  override readonly name = 'ReplayStoreFullError';
}

/**
 * An in-process `ReplayStore`, bounded by `maxEntries`. Right for a single instance; several
 * instances behind a load balancer need a shared store (`@gatehouse/redis`), or a proof refused
 * by one instance is accepted by the next.
 *
 * When full of unexpired keys it refuses new ones (rejects) rather than forgetting a key early:
 * a forgotten key would let its proof be replayed.
 *
 * Does not: share state between processes; keep a key past its expiry.
 */
export function createMemoryReplayStore(options: MemoryReplayStoreOptions = {}): ReplayStore {
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new TypeError('maxEntries must be a positive integer');
  }
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();

  // Expiries arrive in roughly increasing order, so expired keys gather at the front of the
  // (insertion-ordered) map: trimming the front is cheap; a full sweep only when full.
  function trimFront(at: number): void {
    for (const [key, expiresAt] of expiries) {
      if (expiresAt > at) return;
      expiries.delete(key);
    }
  }

  function sweep(at: number): void {
    for (const [key, expiresAt] of expiries) if (expiresAt <= at) expiries.delete(key);
  }

  return {
    async useOnce(key, expiresAtMs) {
      const at = now();
      const known = expiries.get(key);
      if (known !== undefined && known > at) return false;
      trimFront(at);
      if (expiries.size >= maxEntries) sweep(at);
      if (expiries.size >= maxEntries) {
        throw new ReplayStoreFullError(`the replay store holds ${maxEntries} unexpired keys`);
      }
      expiries.delete(key);
      expiries.set(key, expiresAtMs);
      return true;
    },
  };
}
