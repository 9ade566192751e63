import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VerifiedTokenCache } from '../../src/cache.js';
import { createVerifier } from '../../src/verify.js';
import { b64, expectRefused, segments, validClaims } from './support.js';

// The verified-token cache finds entries by a token's last 32 characters (its signature's tail)
// and takes one only if the whole token matches. An attacker can send any number of tokens that
// end like a genuine one: the genuine signature under payloads of their choosing.
const ALGS = ['RS256', 'ES256'] as const;

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: [...ALGS] });
});
afterAll(() => issuer.close());

/** `count` tokens with `token`'s header and signature over other payloads. */
function sameTail(token: string, count: number): string[] {
  const [header, , signature] = segments(token);
  return Array.from(
    { length: count },
    (_, i) => `${header}.${b64({ ...validClaims(issuer), sub: `mallory-${i}` })}.${signature}`,
  );
}

describe('tokens sharing a cached token’s signature tail', () => {
  it.each(ALGS)('are refused, and neither evict nor replace the cached %s token', async (alg) => {
    const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
    const victim = await issuer.mint({ sub: 'victim' }, { alg });
    await verifier.verify(victim);
    const cached = await verifier.verify(victim);
    const forged = sameTail(victim, 200);
    for (const token of forged.slice(0, 3)) await expectRefused(verifier, token, 'bad_signature');
    for (const token of forged) {
      await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'bad_signature' });
      await expect(verifier.authenticate(`Bearer ${token}`)).rejects.toMatchObject({
        reason: 'bad_signature',
      });
    }
    expect(await verifier.verify(victim)).toBe(cached);
    expect(await verifier.authenticate(`Bearer ${victim}`)).toBe(cached);
  });

  it('do not admit the genuine token early: the doorkeeper sees verified tokens only', async () => {
    const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
    const genuine = await issuer.mint({ sub: 'alice' });
    for (const token of sameTail(genuine, 20)) {
      await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'bad_signature' });
    }
    const first = await verifier.verify(genuine);
    const second = await verifier.verify(genuine);
    expect(second).not.toBe(first);
    expect(await verifier.verify(genuine)).toBe(second);
  });
});

describe('two valid tokens sharing a tail (possible only with a signing key of one’s own)', () => {
  const tail = 'T'.repeat(32);
  const store = { issuer: 'x', getKey: async () => key, keyNow: () => key };
  const key = {} as never;
  const entryOf = (token: string) => ({
    auth: { token } as never,
    window: { fromMs: 0, untilMs: Date.now() + 1e6 },
    key,
    alg: 'ES256',
    kid: undefined,
    store,
  });

  it('never answer for each other; each costs the other at most one verification', () => {
    const cache = new VerifiedTokenCache(10);
    const a = `a.a.${tail}`;
    const b = `b.b.${tail}`;
    const entryA = entryOf(a);
    const entryB = entryOf(b);
    cache.offer(a, entryA);
    cache.offer(a, entryA);
    expect(cache.get(a, Date.now())).toBe(entryA);
    // A lookup of the other token misses and leaves the entry in place.
    expect(cache.get(b, Date.now())).toBeUndefined();
    expect(cache.get(a, Date.now())).toBe(entryA);
    // The doorkeeper has seen the tail: b is admitted on its first verification, replacing a…
    cache.offer(b, entryB);
    expect(cache.get(b, Date.now())).toBe(entryB);
    expect(cache.get(a, Date.now())).toBeUndefined();
    // …and a, verified again in full, takes the slot back at once.
    cache.offer(a, entryA);
    expect(cache.get(a, Date.now())).toBe(entryA);
    expect(cache.get(b, Date.now())).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});
