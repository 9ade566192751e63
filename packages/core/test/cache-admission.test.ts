import { describe, expect, it } from 'vitest';
import { type VerifiedToken, VerifiedTokenCache } from '../src/cache.js';

// The verified-token cache's own bookkeeping (cache.ts), which no verifier makes visible on a
// human scale: entries found by a token's 32-character tail, and the doorkeeper that admits a
// token on its second sight and forgets what it saw after `max` new tokens.

const key = {} as never;
const store = { issuer: 'x', getKey: async () => key, keyNow: () => key };
const entryFor = (token: string): VerifiedToken => ({
  auth: { token } as never,
  window: { fromMs: 0, untilMs: Number.MAX_SAFE_INTEGER },
  key,
  alg: 'RS256',
  kid: undefined,
  store,
});
const NOW = 1_000;

/** Offers `token` twice: admitted unless something forgot the first offer in between. */
const admit = (cache: VerifiedTokenCache, token: string) => {
  cache.offer(token, entryFor(token));
  cache.offer(token, entryFor(token));
};

describe('VerifiedTokenCache: entries by tail, the whole token decides', () => {
  const tail = 'T'.repeat(16) + 'abcdefghijklmnop'; // 32 characters
  const first = `${'x'.repeat(40)}.${tail}`;
  const second = `${'y'.repeat(40)}.${tail}`;

  it('never gives a token the entry of another token with the same tail, nor evicts it', () => {
    const cache = new VerifiedTokenCache(10);
    admit(cache, first);
    expect(cache.get(second, NOW)).toBeUndefined();
    expect(cache.get(first, NOW)?.auth.token).toBe(first);
  });

  it('keeps one entry per tail: a second verified token with that tail replaces the first', () => {
    const cache = new VerifiedTokenCache(10);
    admit(cache, first);
    admit(cache, second);
    expect(cache.size).toBe(1);
    expect(cache.get(second, NOW)?.auth.token).toBe(second);
    expect(cache.get(first, NOW)).toBeUndefined();
  });

  it('keys a token shorter than a tail by the whole token', () => {
    const cache = new VerifiedTokenCache(10);
    admit(cache, 'short');
    expect(cache.get('short', NOW)?.auth.token).toBe('short');
    expect(cache.get('shor', NOW)).toBeUndefined();
  });
});

describe('VerifiedTokenCache: the doorkeeper remembers the last max new tokens', () => {
  const MAX = 50;

  /** Offers `token` once; true when it was admitted at once (the doorkeeper answered "seen"). */
  const admittedAtOnce = (cache: VerifiedTokenCache, token: string) => {
    cache.offer(token, entryFor(token));
    return cache.get(token, NOW) !== undefined;
  };
  /** Offers other tokens once each until `n` of them were new to the doorkeeper. */
  const offerNew = (cache: VerifiedTokenCache, n: number) => {
    let fresh = 0;
    // Bounded: a doorkeeper that answers "seen" to everything must fail the test, not hang it.
    for (let i = 0; fresh < n && i < 100 * n; i++) {
      if (!admittedAtOnce(cache, `other-${i}.s`)) fresh++;
    }
    expect(fresh).toBe(n);
  };

  it('admits a token offered again after max - 1 other new tokens', () => {
    const cache = new VerifiedTokenCache(MAX);
    expect(admittedAtOnce(cache, 'first.sig')).toBe(false);
    offerNew(cache, MAX - 1);
    expect(admittedAtOnce(cache, 'first.sig')).toBe(true);
  });

  it('forgets it after max other new tokens: it is a first sight again', () => {
    const cache = new VerifiedTokenCache(MAX);
    expect(admittedAtOnce(cache, 'first.sig')).toBe(false);
    offerNew(cache, MAX);
    expect(admittedAtOnce(cache, 'first.sig')).toBe(false);
  });

  it('keeps false "seen" answers rare however long the stream of tokens seen once', () => {
    const cache = new VerifiedTokenCache(1_000);
    let falseSeen = 0;
    for (let i = 0; i < 20_000; i++)
      if (admittedAtOnce(cache, `once-${i}.sig-${i * 7919}`)) falseSeen++;
    // About eight slots per token of the window: at most 1 in 8 when the window is full, half
    // that on average.
    expect(falseSeen).toBeLessThan(20_000 * 0.08);
  });
});
