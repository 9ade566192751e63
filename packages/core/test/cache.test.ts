import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { VerifiedTokenCache } from '../src/cache.js';
import { createVerifier } from '../src/verify.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());
afterEach(() => {
  vi.useRealTimers();
});

describe('verified-token cache', () => {
  it('admits a token on its second verification and answers it from the cache after that', async () => {
    const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
    const token = await issuer.mint();
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(await verifier.verify(token)).toBe(second);
    expect(await verifier.verify(token)).toBe(second);
  });

  it('keeps a token in use cached through a stream of tokens seen once', async () => {
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      cache: { max: 20 },
    });
    const hot = await issuer.mint({ jti: 'hot' });
    await verifier.verify(hot);
    const cached = await verifier.verify(hot);
    const once = await Promise.all(
      Array.from({ length: 60 }, (_, i) => issuer.mint({ jti: `once-${i}` })),
    );
    for (const token of once) await verifier.verify(token);
    // A plain LRU of 20 would have evicted it 40 tokens ago; the doorkeeper's false "seen"
    // answers admit about 4 % of tokens seen once, nowhere near 20.
    expect(await verifier.verify(hot)).toBe(cached);
  });

  it('answers a repeated Authorization header from the cache, with the same checks on a hit', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      clockTolerance: 0,
    });
    const token = await issuer.mint({}, { expiresIn: 30 });
    await verifier.authenticate(`Bearer ${token}`);
    const admitted = await verifier.authenticate(`Bearer ${token}`);
    expect(await verifier.authenticate(`Bearer ${token}`)).toBe(admitted);
    await expect(verifier.authenticate(`bearer  ${token}`)).resolves.toMatchObject({ token });
    vi.advanceTimersByTime(30_000);
    await expect(verifier.authenticate(`Bearer ${token}`)).rejects.toMatchObject({
      reason: 'expired',
    });
  });

  it('verifies again every time when off', async () => {
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      cache: false,
    });
    const token = await issuer.mint();
    const first = await verifier.verify(token);
    const second = await verifier.verify(token);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
  });

  it('never serves a token past its exp (a hit re-checks the clock)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      clockTolerance: 0,
    });
    const token = await issuer.mint({}, { expiresIn: 30 });
    await verifier.verify(token);
    const admitted = await verifier.verify(token);
    vi.advanceTimersByTime(29_000);
    expect(await verifier.verify(token)).toBe(admitted);
    vi.advanceTimersByTime(1_000);
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'invalid_token',
      reason: 'expired',
    });
  });

  it('serves a hit exactly inside the time window: the clock going back before nbf or iat, or reaching exp', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-01T12:00:00.000Z'));
    const t = Date.now() / 1000;
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      clockTolerance: 0,
    });
    const cases = [
      [{ nbf: t, iat: t - 60 }, 'not_yet_valid'],
      [{ iat: t }, 'issued_in_future'],
    ] as const;
    for (const [claims, reason] of cases) {
      const token = await issuer.mint({ ...claims, exp: t + 30 });
      await verifier.verify(token);
      const admitted = await verifier.verify(token);
      expect(await verifier.verify(token)).toBe(admitted);
      // One millisecond before the window starts (a clock stepped back, e.g. by NTP): refused.
      vi.setSystemTime(t * 1000 - 1);
      await expect(verifier.verify(token)).rejects.toMatchObject({ reason });
      vi.setSystemTime(t * 1000);
      await verifier.verify(token);
      const again = await verifier.verify(token);
      // The last millisecond before exp is a hit; exp itself is not.
      vi.setSystemTime((t + 30) * 1000 - 1);
      expect(await verifier.verify(token)).toBe(again);
      vi.setSystemTime((t + 30) * 1000);
      await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'expired' });
      vi.setSystemTime(t * 1000);
    }
  });

  it('drops results of a key that left the JWKS', async () => {
    const local = await createTestIssuer();
    try {
      const verifier = createVerifier({
        issuer: local.url,
        audience: local.audience,
        keyFetch: { cooldown: 0 },
      });
      const oldToken = await local.mint();
      await verifier.verify(oldToken);
      const admitted = await verifier.verify(oldToken);
      expect(await verifier.verify(oldToken)).toBe(admitted);
      await local.rotateKeys({ keepOld: false });
      // A token with the new kid makes the verifier refetch the JWKS, which no longer has the old key.
      await verifier.verify(await local.mint());
      await expect(verifier.verify(oldToken)).rejects.toMatchObject({
        code: 'invalid_token',
        reason: 'unknown_kid',
      });
    } finally {
      await local.close();
    }
  });

  it('never caches a refusal: a token that fails keeps failing on its own merits', async () => {
    const verifier = createVerifier({ issuer: issuer.url, audience: 'https://other.example' });
    const token = await issuer.mint();
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'audience_mismatch' });
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'audience_mismatch' });
  });

  it('is bounded by entries', async () => {
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      cache: { max: 5 },
    });
    const tokens = await Promise.all(
      Array.from({ length: 12 }, (_, i) => issuer.mint({ jti: `t${i}` })),
    );
    const contexts = [];
    for (const token of tokens) {
      await verifier.verify(token);
      contexts.push(await verifier.verify(token));
    }
    // The five most recent are hits; the first was evicted and is verified anew.
    expect(await verifier.verify(tokens[11]!)).toBe(contexts[11]);
    expect(await verifier.verify(tokens[0]!)).not.toBe(contexts[0]);
  });

  it('keeps at most max entries, and nothing offered only once', () => {
    const cache = new VerifiedTokenCache(100);
    const key = {} as never;
    const store = {
      issuer: 'x',
      getKey: async () => key,
      keyNow: () => key,
    };
    const entry = () => ({
      auth: {} as never,
      window: { fromMs: 0, untilMs: Date.now() + 1e6 },
      key,
      alg: 'RS256',
      kid: undefined,
      store,
    });
    for (let i = 0; i < 200; i++) cache.offer(`once-${i}.signature-${i}`, entry());
    // Hash collisions admit about 5 % early; a plain LRU would hold 100 of the 200.
    expect(cache.size).toBeLessThan(30);
    for (let i = 0; i < 300; i++) {
      cache.offer(`t${i}`, entry());
      cache.offer(`t${i}`, entry());
    }
    expect(cache.size).toBe(100);
  });

  it('keeps tokens and header values apart: one namespace, keyed by the parsed token', async () => {
    const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
    const token = await issuer.mint();
    await verifier.verify(token);
    await verifier.verify(token);
    await expect(verifier.authenticate(token)).rejects.toMatchObject({ code: 'unauthorized' });

    const other = await issuer.mint();
    await verifier.authenticate(`Bearer ${other}`);
    await verifier.authenticate(`Bearer ${other}`);
    await expect(verifier.verify(`Bearer ${other}`)).rejects.toMatchObject({
      reason: 'malformed_token',
    });

    const third = await issuer.mint();
    await verifier.authenticate(['', `Bearer ${third}`]);
    await verifier.authenticate(['', `Bearer ${third}`]);
    await expect(verifier.authenticate(third)).rejects.toMatchObject({ code: 'unauthorized' });
    // Any accepted spelling of a cached token is the same hit.
    const hit = await verifier.authenticate(`Bearer ${third}`);
    expect(await verifier.authenticate(`bearer   ${third} `)).toBe(hit);
  });

  it('cannot be flooded with spellings of one header: they are one entry', async () => {
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      cache: { max: 500 },
    });
    const victim = await issuer.mint({ sub: 'victim' });
    await verifier.verify(victim);
    const cached = await verifier.verify(victim);
    const attacker = await issuer.mint({ sub: 'mallory' });
    const schemes = ['Bearer', 'bearer', 'BEARER', 'BeArEr'];
    for (let i = 0; i < 1_000; i++) {
      const header = `${schemes[i % 4]}${' '.repeat(1 + (i >> 2))}${attacker}`;
      await verifier.authenticate(header);
    }
    expect(await verifier.verify(victim)).toBe(cached);
  });
});
