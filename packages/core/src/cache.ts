import type { KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { KeyStore } from './jwks.js';
import type { AuthContext } from './types.js';

interface Entry {
  auth: AuthContext;
  /** Validity window, tolerance included, in epoch milliseconds. */
  notBeforeMs: number;
  expiresMs: number;
  key: KeyObject;
  store: KeyStore;
}

/**
 * Results of successful verifications, by the exact token string, so a repeated token costs a
 * map lookup instead of a signature check.
 *
 * Bounded by entries (LRU). A hit is re-checked against the clock (`exp`, `nbf`) and against the
 * current key set: once the signing key leaves the issuer's JWKS, its tokens are verified anew
 * (and fail). Only successes are cached, so random or forged tokens cannot evict good entries
 * faster than valid ones arrive.
 *
 * Does not: outlive a token's `exp`; key on anything but the whole token (two tokens sharing a
 * signature but not a payload never collide).
 */
export class VerifiedTokenCache {
  readonly #entries: LRUCache<string, Entry>;

  constructor(max: number) {
    this.#entries = new LRUCache({ max });
  }

  get(token: string, nowMs: number): AuthContext | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    if (
      nowMs >= entry.expiresMs ||
      nowMs < entry.notBeforeMs ||
      !entry.store.isCurrent(entry.key)
    ) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.auth;
  }

  set(token: string, entry: Entry): void {
    this.#entries.set(token, entry);
  }

  get size(): number {
    return this.#entries.size;
  }
}
