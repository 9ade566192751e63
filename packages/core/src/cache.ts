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
 * Admission on second sight: a token enters the cache the second time it is verified, not the
 * first (the "doorkeeper" of TinyLFU). Clients reuse an access token for its whole lifetime, so
 * this costs one extra verification per token; in return a stream of tokens seen once (many
 * clients with fresh tokens, a batch job, a flood of valid tokens) pays no insertion and cannot
 * push the tokens in use out of the cache.
 *
 * Does not: outlive a token's `exp`; key on anything but the whole token (two tokens sharing a
 * signature but not a payload never collide).
 */
export class VerifiedTokenCache {
  readonly #entries: LRUCache<string, Entry>;
  readonly #doorkeeper: SeenOnce;

  constructor(max: number) {
    this.#entries = new LRUCache({ max });
    this.#doorkeeper = new SeenOnce(max);
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

  /** Offers a verified token; it is kept if it was offered before (see admission above). */
  offer(token: string, entry: Entry): void {
    if (this.#doorkeeper.check(token)) this.#entries.set(token, entry);
  }

  get size(): number {
    return this.#entries.size;
  }
}

/**
 * Which strings were seen once recently: a bit per hash slot, cleared after `window` new
 * strings so it never fills up. A collision only admits a token one verification early — the
 * token was verified in full either way — so a cheap hash will do: the last characters of a
 * token are its signature's, which are random.
 */
class SeenOnce {
  readonly #bits: Uint32Array;
  readonly #mask: number;
  readonly #window: number;
  #added = 0;

  constructor(window: number) {
    // About eight slots per string of the window keeps false "seen" answers rare (< 12 %).
    const slots = 2 ** Math.ceil(Math.log2(Math.max(window, 8) * 8));
    this.#bits = new Uint32Array(slots / 32);
    this.#mask = slots - 1;
    this.#window = window;
  }

  /** True if `value` was seen since the last clearing; else remembers it and returns false. */
  check(value: string): boolean {
    const slot = tailHash(value) & this.#mask;
    const word = slot >>> 5;
    const bit = 1 << (slot & 31);
    if ((this.#bits[word]! & bit) !== 0) return true;
    if (++this.#added > this.#window) {
      this.#bits.fill(0);
      this.#added = 1;
    }
    this.#bits[word]! |= bit;
    return false;
  }
}

/** FNV-1a over the last 12 UTF-16 code units. */
function tailHash(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = Math.max(0, value.length - 12); i < value.length; i++) {
    hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  }
  return hash >>> 0;
}
