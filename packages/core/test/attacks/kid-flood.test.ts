import { randomUUID } from 'node:crypto';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GatehouseError } from '../../src/errors.js';
import { getRemoteKeyStore, KEY_FETCH_DEFAULTS } from '../../src/jwks.js';
import { createVerifier } from '../../src/verify.js';
import { validClaims } from './support.js';

// RFC 8725 §3 spirit: an attacker choosing `kid`s must not be able to make us hammer the issuer
// or grow memory. Tokens with random kids cost at most one JWKS refetch per cooldown.

const COOLDOWN_MS = 30_000;

function storeFor(issuer: TestIssuer) {
  return getRemoteKeyStore({ ...KEY_FETCH_DEFAULTS, cooldownMs: COOLDOWN_MS, issuer: issuer.url });
}

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatehouseError);
  return `${(error as GatehouseError).code}/${(error as GatehouseError).reason}`;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('kid flood', () => {
  it('1,000 random kids one after another: one refetch per cooldown', async () => {
    await using issuer = await createTestIssuer();
    const store = storeFor(issuer);
    vi.useFakeTimers({ toFake: ['Date'] });
    const good = await store.getKey('RS256', issuer.keys[0]!.kid);
    // The first refetches and is refused; the rest wait for the next refetch (503 + Retry-After).
    expect(await reasonOf(store.getKey('RS256', randomUUID()))).toBe('invalid_token/unknown_kid');
    for (let i = 1; i < 1_000; i++) {
      expect(await reasonOf(store.getKey('RS256', randomUUID()))).toBe(
        'temporarily_unavailable/unknown_kid',
      );
    }
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 2 });
    // The legitimate key is unaffected, and the next cooldown allows exactly one more refetch.
    expect(await store.getKey('RS256', issuer.keys[0]!.kid)).toBe(good);
    vi.setSystemTime(Date.now() + COOLDOWN_MS);
    for (let i = 0; i < 1_000; i++) await reasonOf(store.getKey('RS256', randomUUID()));
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 3 });
  });

  it('1,000 random kids at once on a cold store: one discovery, one JWKS request', async () => {
    await using issuer = await createTestIssuer();
    const store = storeFor(issuer);
    const reasons = await Promise.all(
      Array.from({ length: 1_000 }, () => reasonOf(store.getKey('RS256', randomUUID()))),
    );
    expect(new Set(reasons)).toEqual(new Set(['invalid_token/unknown_kid']));
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 1 });
  });

  it('1,000 random kids at once on a warm store: they share one refetch', async () => {
    await using issuer = await createTestIssuer();
    const store = storeFor(issuer);
    await store.getKey('RS256', issuer.keys[0]!.kid);
    await Promise.all(
      Array.from({ length: 1_000 }, () => reasonOf(store.getKey('RS256', randomUUID()))),
    );
    expect(issuer.requests.jwks).toBe(2);
  });

  it('random kids with algorithms no key can serve cause no request at all', async () => {
    await using issuer = await createTestIssuer();
    const store = storeFor(issuer);
    await store.getKey('RS256', issuer.keys[0]!.kid);
    for (const alg of ['none', 'NONE', 'HS256', 'HS512', 'RSA1_5', '']) {
      for (let i = 0; i < 100; i++) {
        expect(await reasonOf(store.getKey(alg, randomUUID()))).toBe('invalid_token/unknown_kid');
      }
    }
    expect(issuer.requests.jwks).toBe(1);
  });
});

// An attacker sends tokens with ever-new kids, hoping each one makes us refetch the JWKS.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

describe('kid flood', () => {
  it('causes at most one refetch per cooldown and is never accepted', async () => {
    const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
    await verifier.verify(await issuer.mint());
    issuer.resetCounters();
    const signer = issuer.keys[0]!.kid;
    const tokens = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        issuer.sign(
          { alg: 'RS256', typ: 'at+jwt', kid: `random-${i}-${Math.random()}` },
          validClaims(issuer),
          { kid: signer },
        ),
      ),
    );
    const outcomes = await Promise.all(
      tokens.map((t) =>
        verifier.verify(t).then(
          () => 'accepted',
          (e) => `${e.code}/${e.reason}`,
        ),
      ),
    );
    // Those that joined the one refetch are refused; a later one within the cooldown is told to
    // retry (the issuer may have published its key since): never accepted either way.
    expect(outcomes).toContain('invalid_token/unknown_kid');
    expect(
      outcomes.every(
        (o) => o === 'invalid_token/unknown_kid' || o === 'temporarily_unavailable/unknown_kid',
      ),
    ).toBe(true);
    expect(issuer.requests.jwks).toBeLessThanOrEqual(1);
    expect(issuer.requests.discovery).toBe(0);
  });
});
