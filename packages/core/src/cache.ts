import type { KeyObject } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { TimeWindow } from './claims.js';
import type { KeyStore } from './jwks.js';
import type { AuthContext } from './types.js';

/** What a verification established, and what it depended on that may change later. */
export interface VerifiedToken {
  auth: AuthContext;
  /** When every time rule (exp, nbf, iat, maxTokenAge) accepts the token, tolerance included. */
  window: TimeWindow;
  /** The key that verified the signature, and how it was found: `store.keyNow(alg, kid)`. */
  key: KeyObject;
  alg: string;
  kid: string | undefined;
  store: KeyStore;
}

/**
 * Results of successful verifications, by the token itself (never by a header spelling), so a
 * repeated token costs a map lookup instead of a signature check.
 *
 * A hit gives the answer a fresh verification would give at that instant, for everything that
 * does not depend on code the user supplies: the time window is the one `checkTimeClaims`
 * computed (every time rule, not only `exp`), and the key must still be the one the key store
 * picks for the token's `alg` and `kid` — so a key removed, renamed, re-typed or made ambiguous
 * sends the token back through full verification, and a stale key set starts its background
 * refresh exactly as a miss would. Claim predicates are the caller's to re-run (`verify.ts`).
 *
 * Bounded by entries (LRU). Admission on second sight: a token enters the cache the second time
 * it is verified, not the first (the "doorkeeper" of TinyLFU). Clients reuse an access token for
 * its whole lifetime, so this costs one extra verification per token; in return a stream of
 * tokens seen once (many clients with fresh tokens, a batch job, a flood of valid tokens) pays no
 * insertion and cannot push the tokens in use out of the cache.
 *
 * Entries are found by the token's last 32 characters (its signature's tail: hashing them costs a
 * 25th of hashing an 800-character token) and taken only if the entry's token is the whole token
 * presented, so the whole token still decides. A token made to share a cached token's tail (the
 * same signature bytes under another payload) is never accepted and never evicts the entry: it
 * misses, and fails its own full verification. Only verified tokens are offered, so two entries
 * share a tail only if two valid signatures do — which takes a key of one's own, e.g. a tenant of
 * an issuer template with its own JWKS; each such token then replaces the other's entry, costing
 * the other one full verification, as evicting it with a flood of valid tokens would.
 *
 * Does not: cache a refusal; accept anything but the whole, canonical token (two tokens sharing a
 * signature but not a payload never match, and base64url has one spelling per token).
 */
export class VerifiedTokenCache {
  readonly #entries: LRUCache<string, VerifiedToken>;
  readonly #doorkeeper: SeenOnce;

  constructor(max: number) {
    this.#entries = new LRUCache({ max });
    this.#doorkeeper = new SeenOnce(max);
  }

  /** The entry for `token` if it is still valid at `nowMs` with its key still current. */
  get(token: string, nowMs: number): VerifiedToken | undefined {
    const tail = tailOf(token);
    const entry = this.#entries.get(tail);
    if (entry === undefined || entry.auth.token !== token) return undefined;
    if (
      nowMs < entry.window.fromMs ||
      nowMs >= entry.window.untilMs ||
      entry.store.keyNow(entry.alg, entry.kid) !== entry.key
    ) {
      this.#entries.delete(tail);
      return undefined;
    }
    return entry;
  }

  /**
   * Offers a verified token (`entry.auth.token` is `token`); it is kept if it was offered before
   * (see admission above). A doorkeeper collision, a shared tail included, only admits a token
   * one verification early.
   */
  offer(token: string, entry: VerifiedToken): void {
    const tail = tailOf(token);
    if (this.#doorkeeper.check(tail)) this.#entries.set(tail, entry);
  }

  get size(): number {
    return this.#entries.size;
  }
}

// A signature's last 32 base64url characters: 192 bits that two signatures share by chance never.
const TAIL = 32;
const tailOf = (token: string) => (token.length > TAIL ? token.slice(-TAIL) : token);

/**
 * Which strings were seen once recently: a bit per hash slot, cleared after `window` new
 * strings so it never fills up. A collision only admits a token one verification early — the
 * token was verified in full either way.
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
    const slot = fnv1a(value) & this.#mask;
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

/** FNV-1a over every UTF-16 code unit: strings that differ anywhere land in unrelated slots. */
function fnv1a(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash = Math.imul(hash ^ value.charCodeAt(i), 0x01000193);
  }
  return hash >>> 0;
}
