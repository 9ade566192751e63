import { createTestIssuer } from '@gatehouse/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freezeDate, modulus, options, rejection } from './support/key-store.js';

const MINUTE = 60_000;

/** The JWK members of a Node KeyObject, to compare with what the issuer published. */

afterEach(() => {
  vi.useRealTimers();
});

describe('remote key store: fetching and caching', () => {
  it('returns the published key, imported once, then serves it from memory', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer);
    const published = issuer.keys[0]!;
    const key = await store.getKey('RS256', published.kid);
    expect(key.type).toBe('public');
    expect(modulus(key)).toBe(published.publicJwk.n);
    for (let i = 0; i < 50; i++) expect(await store.getKey('RS256', published.kid)).toBe(key);
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 1 });
  });

  it('100 concurrent cold lookups cause exactly one discovery and one JWKS request', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer);
    const kid = issuer.keys[0]!.kid;
    const keys = await Promise.all(Array.from({ length: 100 }, () => store.getKey('RS256', kid)));
    expect(new Set(keys).size).toBe(1);
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 1 });
  });

  it('the jwksUri option skips discovery', async () => {
    await using issuer = await createTestIssuer({ discovery: 'none' });
    const { store } = options(issuer, { jwksUri: issuer.jwksUri });
    await store.getKey('RS256', issuer.keys[0]!.kid);
    expect(issuer.requests).toMatchObject({ discovery: 0, jwks: 1 });
  });

  it('is shared by every caller with the same issuer and settings', async () => {
    await using issuer = await createTestIssuer();
    const first = options(issuer);
    const second = options(issuer);
    expect(second.store).toBe(first.store);
    await Promise.all([
      first.store.getKey('RS256', issuer.keys[0]!.kid),
      second.store.getKey('RS256', issuer.keys[0]!.kid),
    ]);
    expect(issuer.requests.jwks).toBe(1);
    // Both listeners hear about the one shared refresh.
    expect(first.events.map((event) => event.type)).toEqual(['discovery', 'keys_refreshed']);
    expect(second.events.map((event) => event.type)).toEqual(['discovery', 'keys_refreshed']);
    expect(options(issuer, { maxKeys: 7 }).store).not.toBe(first.store);
  });

  it('never returns keys of issuer A for issuer B', async () => {
    await using a = await createTestIssuer();
    await using b = await createTestIssuer();
    const storeA = options(a).store;
    const storeB = options(b).store;
    const kidA = a.keys[0]!.kid;
    await storeA.getKey('RS256', kidA);
    const error = await rejection(storeB.getKey('RS256', kidA));
    expect([error.code, error.reason]).toEqual(['invalid_token', 'unknown_kid']);
    expect(a.requests.jwks).toBe(1);
    expect(b.requests.jwks).toBe(1);
  });

  it('serves every asymmetric family and never a key across families', async () => {
    await using issuer = await createTestIssuer({
      algorithms: ['ES256', 'ES384', 'ES512', 'EdDSA', 'PS256'],
    });
    const { store } = options(issuer);
    for (const published of issuer.keys) {
      const key = await store.getKey(published.alg, published.kid);
      const { kty, crv, n, e, x, y } = published.publicJwk;
      const expected = Object.fromEntries(
        Object.entries({ kty, crv, n, e, x, y }).filter(([, value]) => value !== undefined),
      );
      expect(key.export({ format: 'jwk' })).toEqual(expected);
    }
    const es256 = issuer.keys.find((key) => key.alg === 'ES256')!;
    const error = await rejection(store.getKey('ES384', es256.kid));
    expect(error.reason).toBe('unknown_kid');
  });

  it('a key whose own alg differs from the token alg is not a candidate (RFC 7517 §4.4)', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['RS256'] });
    const { store } = options(issuer);
    const error = await rejection(store.getKey('PS256', issuer.keys[0]!.kid));
    expect([error.code, error.reason]).toEqual(['invalid_token', 'unknown_kid']);
  });

  it('an algorithm no key can serve is refused without any request', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer);
    await store.getKey('RS256', issuer.keys[0]!.kid);
    for (const alg of ['HS256', 'none', 'RSA-OAEP']) {
      const error = await rejection(store.getKey(alg, issuer.keys[0]!.kid));
      expect(error.reason).toBe('unknown_kid');
    }
    expect(issuer.requests.jwks).toBe(1);
  });
});

describe('remote key store: tokens without kid', () => {
  it('uses the one key that fits the alg', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256'] });
    const { store } = options(issuer);
    const key = await store.getKey('ES256', undefined);
    expect(key.asymmetricKeyType).toBe('ec');
  });

  it('refuses when several keys fit (ambiguous_key), without a refetch', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['RS256', 'RS256'] });
    const { store } = options(issuer);
    const error = await rejection(store.getKey('RS256', undefined));
    expect([error.code, error.reason]).toEqual(['invalid_token', 'ambiguous_key']);
    const again = await rejection(store.getKey('RS256', undefined));
    expect([again.code, again.reason]).toEqual(['invalid_token', 'ambiguous_key']);
    expect(store.keyNow('RS256', undefined)).toBeUndefined();
    expect(store.keyNow('RS256', issuer.keys[1]!.kid)?.type).toBe('public');
    expect(issuer.requests.jwks).toBe(1);
  });

  it('with no fitting key follows the unknown-kid refetch rules', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['RS256'] });
    const { store } = options(issuer);
    await store.getKey('RS256', undefined);
    expect((await rejection(store.getKey('ES256', undefined))).reason).toBe('unknown_kid');
    expect(issuer.requests.jwks).toBe(2);
    expect((await rejection(store.getKey('ES256', undefined))).reason).toBe('unknown_kid');
    expect(issuer.requests.jwks).toBe(2);
  });
});

describe('remote key store: rotation and unknown kid', () => {
  it('picks up a rotated key with one refetch', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer);
    const clock = freezeDate();
    await store.getKey('RS256', issuer.keys[0]!.kid);
    clock.advance(5 * MINUTE);
    const rotated = await issuer.rotateKeys();
    const key = await store.getKey('RS256', rotated.kid);
    expect(modulus(key)).toBe(rotated.publicJwk.n);
    // The refetch reuses the discovered jwks_uri.
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 2 });
    expect(events.at(-1)).toMatchObject({
      type: 'keys_refreshed',
      trigger: 'unknown_kid',
      keyCount: 2,
    });
  });

  it('picks up a key rotated in right after a routine fetch (cooldown counts from kid refetches)', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer);
    freezeDate();
    await store.getKey('RS256', issuer.keys[0]!.kid);
    const rotated = await issuer.rotateKeys();
    expect(modulus(await store.getKey('RS256', rotated.kid))).toBe(rotated.publicJwk.n);
    expect(issuer.requests.jwks).toBe(2);
  });

  it('refetches at most once per cooldown for unknown kids; within it, 503 until the next one', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer, { cooldownMs: 30_000 });
    const clock = freezeDate();
    await store.getKey('RS256', issuer.keys[0]!.kid);
    expect((await rejection(store.getKey('RS256', 'nope-1'))).reason).toBe('unknown_kid');
    expect(issuer.requests.jwks).toBe(2);
    const rotated = await issuer.rotateKeys();
    clock.advance(29_000);
    const early = await rejection(store.getKey('RS256', rotated.kid));
    // The kid may well be a key published since the last refetch: not a verdict on the token.
    expect([early.code, early.reason, early.retryAfter]).toEqual([
      'temporarily_unavailable',
      'unknown_kid',
      1,
    ]);
    expect(issuer.requests.jwks).toBe(2);
    clock.advance(1_000);
    expect(modulus(await store.getKey('RS256', rotated.kid))).toBe(rotated.publicJwk.n);
    expect(issuer.requests.jwks).toBe(3);
  });

  it('keyNow follows the key set: a kept key keeps its KeyObject, a removed one is gone', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer);
    freezeDate();
    const old = issuer.keys[0]!;
    const oldKey = await store.getKey('RS256', old.kid);
    expect(store.keyNow('RS256', old.kid)).toBe(oldKey);
    // A refetch that keeps a key keeps its KeyObject: cached verifications stay valid.
    const added = await issuer.rotateKeys();
    const addedKey = await store.getKey('RS256', added.kid);
    expect(await store.getKey('RS256', old.kid)).toBe(oldKey);
    expect(store.keyNow('RS256', old.kid)).toBe(oldKey);
    // A refetch that drops a key drops it from the current set.
    issuer.removeKey(old.kid);
    issuer.removeKey(added.kid);
    const rotated = await issuer.rotateKeys();
    vi.setSystemTime(Date.now() + 30_000);
    const newKey = await store.getKey('RS256', rotated.kid);
    expect(store.keyNow('RS256', rotated.kid)).toBe(newKey);
    expect(store.keyNow('RS256', old.kid)).toBeUndefined();
    expect(store.keyNow('RS256', added.kid)).toBeUndefined();
    expect(addedKey).not.toBe(newKey);
  });
});

describe('remote key store: max-age refresh', () => {
  it('serves the cached keys past max-age and refreshes once in the background', async () => {
    await using issuer = await createTestIssuer({ jwksMaxAge: 600 });
    const { store, events } = options(issuer);
    const clock = freezeDate();
    const kid = issuer.keys[0]!.kid;
    const key = await store.getKey('RS256', kid);
    clock.advance(9 * MINUTE);
    await store.getKey('RS256', kid);
    expect(issuer.requests.jwks).toBe(1);
    clock.advance(2 * MINUTE);
    const served = await Promise.all(Array.from({ length: 20 }, () => store.getKey('RS256', kid)));
    expect(served.every((candidate) => candidate === key)).toBe(true);
    await vi.waitFor(() => expect(events.at(-1)).toMatchObject({ trigger: 'max_age' }));
    expect(issuer.requests.jwks).toBe(2);
  });

  it('honours Cache-Control max-age (RFC 9111 §5.2.2.1)', async () => {
    await using issuer = await createTestIssuer({ jwksMaxAge: 120 });
    const { store } = options(issuer);
    const clock = freezeDate();
    const kid = issuer.keys[0]!.kid;
    await store.getKey('RS256', kid);
    clock.advance(100_000);
    await store.getKey('RS256', kid);
    expect(issuer.requests.jwks).toBe(1);
    clock.advance(21_000);
    await store.getKey('RS256', kid);
    await vi.waitFor(() => expect(issuer.requests.jwks).toBe(2));
  });

  it('clamps a tiny max-age to one minute', async () => {
    await using issuer = await createTestIssuer({ jwksMaxAge: 1 });
    const { store } = options(issuer);
    const clock = freezeDate();
    const kid = issuer.keys[0]!.kid;
    await store.getKey('RS256', kid);
    clock.advance(59_000);
    await store.getKey('RS256', kid);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(issuer.requests.jwks).toBe(1);
    clock.advance(2_000);
    await store.getKey('RS256', kid);
    await vi.waitFor(() => expect(issuer.requests.jwks).toBe(2));
  });

  it('clamps a huge max-age to 24 h', async () => {
    await using issuer = await createTestIssuer({ jwksMaxAge: 10 * 86_400 });
    const { store } = options(issuer);
    const clock = freezeDate();
    const kid = issuer.keys[0]!.kid;
    await store.getKey('RS256', kid);
    clock.advance(86_400_000 + 1_000);
    await store.getKey('RS256', kid);
    await vi.waitFor(() => expect(issuer.requests.jwks).toBe(2));
  });

  it('re-discovers when the discovered jwks_uri answers 404', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer);
    const clock = freezeDate();
    const kid = issuer.keys[0]!.kid;
    await store.getKey('RS256', kid);
    issuer.setFault({ type: 'status', status: 404, target: 'jwks' });
    clock.advance(11 * MINUTE);
    await store.getKey('RS256', kid);
    await vi.waitFor(() => expect(events.at(-1)?.type).toBe('keys_refresh_failed'));
    expect(issuer.requests).toMatchObject({ discovery: 2, jwks: 3 });
  });
});
