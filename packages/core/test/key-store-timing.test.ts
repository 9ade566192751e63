// The remote key store's clocks, each at its exact edge (Date frozen, real sockets): max-age,
// max-age + maxStale, the failure backoff, the unknown-kid cooldown and the rediscovery of a
// jwks_uri. Each edge is checked one millisecond before and at the instant it takes effect.
import { createTestIssuer } from '@gatehouse/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FetchFailure } from '../src/internal/fetch-json.js';
import {
  failures,
  freezeDate,
  modulus,
  options,
  refreshes,
  rejection,
} from './support/key-store.js';

const MAX_AGE = 600_000; // the test issuer's Cache-Control: max-age=600

const at = (ms: number) => vi.setSystemTime(ms);
/** Real time for a refresh that should not happen to show up (it would within a few ms). */
const quiet = () => new Promise((resolve) => setTimeout(resolve, 300));
/** Waits (real time, at most 10 s) for `check` to pass. Unlike vi.waitFor it never moves Date. */
async function until(check: () => void): Promise<void> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('max-age: fresh, then refreshed in the background', () => {
  it('a lookup refreshes from the instant max-age ends, not a millisecond before', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer);
    freezeDate();
    const t0 = Date.now();
    const kid = issuer.keys[0]!.kid;
    const key = await store.getKey('RS256', kid);
    at(t0 + MAX_AGE - 1);
    expect(store.keyNow('RS256', kid)).toBe(key);
    await quiet();
    expect(issuer.requests.jwks).toBe(1);
    at(t0 + MAX_AGE);
    expect(store.keyNow('RS256', kid)).toBe(key);
    await until(() => expect(refreshes(events)).toHaveLength(2));
    expect(refreshes(events).map((event) => event.trigger)).toEqual(['initial', 'max_age']);
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 2 });
  });

  it('ready() does nothing until max-age ends, then refreshes now (trigger max_age)', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer);
    freezeDate();
    const t0 = Date.now();
    await store.ready();
    at(t0 + MAX_AGE - 1);
    await store.ready();
    expect(issuer.requests.jwks).toBe(1);
    at(t0 + MAX_AGE);
    await store.ready();
    expect(issuer.requests.jwks).toBe(2);
    expect(refreshes(events).map((event) => event.trigger)).toEqual(['initial', 'max_age']);
  });
});

describe('max-age + maxStale: the end of usable keys', () => {
  it('usable one millisecond before the end; at the end no key, and a lookup refetches (max_age)', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer, { maxStaleMs: 60_000 });
    freezeDate();
    const t0 = Date.now();
    const kid = issuer.keys[0]!.kid;
    const key = await store.getKey('RS256', kid);
    at(t0 + MAX_AGE + 60_000 - 1);
    // Past max-age without a failed refresh: usable and not stale.
    expect(store.health()).toMatchObject({ ready: true, keyCount: 1, stale: false, failures: 0 });
    at(t0 + MAX_AGE + 60_000);
    expect(store.health()).toMatchObject({ ready: false, keyCount: 0, stale: false, failures: 0 });
    expect(store.keyNow('RS256', kid)).toBeUndefined();
    expect(issuer.requests.jwks).toBe(1);
    const again = await store.getKey('RS256', kid);
    expect(again).toBe(key);
    expect(refreshes(events).map((event) => event.trigger)).toEqual(['initial', 'max_age']);
  });

  it('at the end with the issuer down: 503, and 503 again inside the backoff, never the old key', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer, { maxStaleMs: 60_000 });
    freezeDate();
    const t0 = Date.now();
    const kid = issuer.keys[0]!.kid;
    await store.getKey('RS256', kid);
    issuer.setFault({ type: 'status', status: 500, target: 'jwks' });
    at(t0 + MAX_AGE + 60_000);
    const first = await rejection(store.getKey('RS256', kid));
    expect([first.code, first.reason]).toEqual(['temporarily_unavailable', 'keys_unavailable']);
    expect(failures(events)).toEqual([expect.objectContaining({ stale: false, failures: 1 })]);
    const requests = issuer.requests.jwks;
    const second = await rejection(store.getKey('RS256', kid));
    expect([second.code, second.reason]).toEqual(['temporarily_unavailable', 'keys_unavailable']);
    // ready() rejects with the failure itself.
    const notReady = await store.ready().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(notReady).toBeInstanceOf(FetchFailure);
    expect(notReady).toMatchObject({ detail: 'HTTP 500', url: issuer.jwksUri });
    expect(issuer.requests.jwks).toBe(requests);
  });
});

describe('stale: a failed refresh past max-age', () => {
  it('not before max-age even after a failure; from max-age on with one', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer);
    freezeDate();
    const t0 = Date.now();
    await store.getKey('RS256', issuer.keys[0]!.kid);
    issuer.setFault({ type: 'status', status: 500, target: 'jwks' });
    // A failed unknown-kid refetch while the keys are fresh.
    const error = await rejection(store.getKey('RS256', 'published-elsewhere'));
    expect(error.reason).toBe('keys_unavailable');
    expect(store.health()).toMatchObject({ ready: true, stale: false, failures: 1 });
    at(t0 + MAX_AGE - 1);
    expect(store.health()).toMatchObject({ ready: true, stale: false, failures: 1 });
    at(t0 + MAX_AGE);
    expect(store.health()).toMatchObject({ ready: true, stale: true, failures: 1 });
  });
});

describe('backoff after a failed refresh', () => {
  it('a failed background refresh is retried from the instant its backoff ends', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer);
    freezeDate();
    const t0 = Date.now();
    const kid = issuer.keys[0]!.kid;
    const key = await store.getKey('RS256', kid);
    issuer.setFault({ type: 'status', status: 500, target: 'jwks' });
    at(t0 + MAX_AGE);
    expect(store.keyNow('RS256', kid)).toBe(key);
    await until(() => expect(failures(events)).toHaveLength(1));
    at(t0 + MAX_AGE + 999);
    expect(store.keyNow('RS256', kid)).toBe(key);
    await quiet();
    expect(failures(events)).toHaveLength(1);
    at(t0 + MAX_AGE + 1_000);
    expect(store.keyNow('RS256', kid)).toBe(key);
    await until(() => expect(failures(events)).toHaveLength(2));
    expect(failures(events)[1]).toMatchObject({ stale: true, failures: 2 });
  });

  it('cold: retryAfter counts the whole seconds left of a doubling backoff', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer);
    freezeDate();
    const t0 = Date.now();
    issuer.setFault({ type: 'status', status: 500 });
    const kid = issuer.keys[0]!.kid;
    const first = await rejection(store.getKey('RS256', kid));
    expect(first).toMatchObject({
      code: 'temporarily_unavailable',
      reason: 'keys_unavailable',
      description: 'the signing keys of the token issuer cannot be retrieved at the moment',
      retryAfter: 1,
    });
    expect(first.cause).toBeInstanceOf(FetchFailure);
    expect(issuer.requests.discovery).toBe(1);
    at(t0 + 1_000); // backoff over: a second attempt, then 2 s of backoff
    expect((await rejection(store.getKey('RS256', kid))).retryAfter).toBe(2);
    expect(issuer.requests.discovery).toBe(2);
    at(t0 + 1_500);
    expect((await rejection(store.getKey('RS256', kid))).retryAfter).toBe(2);
    at(t0 + 2_999);
    expect((await rejection(store.getKey('RS256', kid))).retryAfter).toBe(1);
    expect(issuer.requests.discovery).toBe(2);
    at(t0 + 3_000);
    expect((await rejection(store.getKey('RS256', kid))).retryAfter).toBe(4);
    expect(issuer.requests.discovery).toBe(3);
  });

  it('a failed background refresh answers unknown kids 503 and does not start their cooldown', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer);
    freezeDate();
    const t0 = Date.now();
    const kid = issuer.keys[0]!.kid;
    await store.getKey('RS256', kid);
    issuer.setFault({ type: 'status', status: 500, target: 'jwks' });
    at(t0 + MAX_AGE);
    store.keyNow('RS256', kid);
    await until(() => expect(failures(events)).toHaveLength(1));
    at(t0 + MAX_AGE + 500);
    const inBackoff = await rejection(store.getKey('RS256', 'new-kid'));
    expect([inBackoff.code, inBackoff.reason, inBackoff.retryAfter]).toEqual([
      'temporarily_unavailable',
      'keys_unavailable',
      1,
    ]);
    expect(issuer.requests.jwks).toBe(2);
    issuer.setFault(null);
    at(t0 + MAX_AGE + 1_000);
    await store.ready(); // the background refresh, retried after the backoff: fresh keys again
    expect(refreshes(events).at(-1)).toMatchObject({ trigger: 'max_age', afterFailures: 1 });
    // No kid refetch happened yet, so a key published now is fetched at once.
    const rotated = await issuer.rotateKeys();
    at(t0 + MAX_AGE + 2_000);
    expect(modulus(await store.getKey('RS256', rotated.kid))).toBe(rotated.publicJwk.n);
    expect(refreshes(events).at(-1)).toMatchObject({ trigger: 'unknown_kid' });
  });

  it('a failed kid refetch: 503 until the backoff (here = the cooldown) ends, then one refetch', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer, { cooldownMs: 500 });
    freezeDate();
    const t0 = Date.now();
    await store.getKey('RS256', issuer.keys[0]!.kid);
    issuer.setFault({ type: 'status', status: 500, target: 'jwks' });
    const failed = await rejection(store.getKey('RS256', 'new-kid'));
    expect(failed.reason).toBe('keys_unavailable');
    issuer.setFault(null);
    const rotated = await issuer.rotateKeys();
    const requests = issuer.requests.jwks;
    at(t0 + 499);
    const early = await rejection(store.getKey('RS256', rotated.kid));
    expect([early.code, early.reason]).toEqual(['temporarily_unavailable', 'keys_unavailable']);
    expect(issuer.requests.jwks).toBe(requests);
    at(t0 + 500);
    expect(modulus(await store.getKey('RS256', rotated.kid))).toBe(rotated.publicJwk.n);
    expect(issuer.requests.jwks).toBe(requests + 1);
  });
});

describe('unknown kid cooldown', () => {
  it('inside it: 503 unknown_kid with the whole seconds left, described by kid or algorithm', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['RS256'] });
    const { store } = options(issuer, { cooldownMs: 30_000 });
    freezeDate();
    const t0 = Date.now();
    await store.getKey('RS256', issuer.keys[0]!.kid);
    const miss = await rejection(store.getKey('RS256', 'nope'));
    expect([miss.code, miss.reason]).toEqual(['invalid_token', 'unknown_kid']);
    expect(issuer.requests.jwks).toBe(2);
    at(t0 + 10_500);
    expect(await rejection(store.getKey('RS256', 'other'))).toMatchObject({
      code: 'temporarily_unavailable',
      reason: 'unknown_kid',
      retryAfter: 20,
      description: 'the token kid is not among the issuer keys yet; the keys are refetched shortly',
    });
    expect(await rejection(store.getKey('ES256', undefined))).toMatchObject({
      code: 'temporarily_unavailable',
      reason: 'unknown_kid',
      retryAfter: 20,
      description:
        'no key of the issuer matches the token algorithm yet; the keys are refetched shortly',
    });
    expect(issuer.requests.jwks).toBe(2);
  });

  it('after a failed refetch, past its backoff but inside the cooldown: keys_unavailable', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer, { cooldownMs: 30_000 });
    freezeDate();
    const t0 = Date.now();
    await store.getKey('RS256', issuer.keys[0]!.kid);
    issuer.setFault({ type: 'status', status: 500, target: 'jwks' });
    expect((await rejection(store.getKey('RS256', 'new-kid'))).reason).toBe('keys_unavailable');
    const requests = issuer.requests.jwks;
    at(t0 + 5_000);
    // The last attempt failed: the issuer, not the token, is the problem. Retry-After says when
    // the cooldown lets the next refetch happen, not "in a second" (clients would retry 25 times
    // for nothing).
    const later = await rejection(store.getKey('RS256', 'another-kid'));
    expect([later.code, later.reason]).toEqual(['temporarily_unavailable', 'keys_unavailable']);
    expect(later.retryAfter).toBe(25);
    at(t0 + 29_500);
    expect((await rejection(store.getKey('RS256', 'another-kid'))).retryAfter).toBe(1);
    expect(issuer.requests.jwks).toBe(requests);
  });

  it('unknown kids arriving together share the one refetch', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer);
    freezeDate();
    await store.getKey('RS256', issuer.keys[0]!.kid);
    const first = await issuer.rotateKeys();
    const second = await issuer.addKey('ES256');
    const [a, b] = await Promise.all([
      store.getKey('RS256', first.kid),
      store.getKey('ES256', second.kid),
    ]);
    expect(modulus(a)).toBe(first.publicJwk.n);
    expect(b.asymmetricKeyType).toBe('ec');
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 2 });
  });
});

describe('discovered jwks_uri', () => {
  it('is reused for refetches until maxStale after its discovery, then discovered again', async () => {
    await using issuer = await createTestIssuer();
    const HOUR = 3_600_000;
    const { store } = options(issuer, { maxStaleMs: HOUR });
    freezeDate();
    const t0 = Date.now();
    await store.getKey('RS256', issuer.keys[0]!.kid);
    const first = await issuer.rotateKeys();
    await store.getKey('RS256', first.kid);
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 2 });
    at(t0 + HOUR - 1);
    await store.ready();
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 3 });
    const second = await issuer.rotateKeys();
    at(t0 + HOUR);
    await store.getKey('RS256', second.kid);
    expect(issuer.requests).toMatchObject({ discovery: 2, jwks: 4 });
  });

  it('a jwks_uri that answers 404 right after its discovery is not discovered again', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer);
    issuer.setFault({ type: 'status', status: 404, target: 'jwks' });
    await rejection(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 1 });
    expect(failures(events).map((event) => event.detail)).toEqual(['HTTP 404']);
  });

  it('a discovered jwks_uri that answers 410 is discovered again, once', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer);
    freezeDate();
    const t0 = Date.now();
    await store.getKey('RS256', issuer.keys[0]!.kid);
    issuer.setFault({ type: 'status', status: 410, target: 'jwks' });
    at(t0 + MAX_AGE);
    await expect(store.ready()).resolves.toBeUndefined(); // stale keys still usable
    expect(issuer.requests).toMatchObject({ discovery: 2, jwks: 3 });
    expect(failures(events).map((event) => event.detail)).toEqual(['HTTP 410']);
  });

  it('a configured jwksUri that answers 404 is never replaced by discovery', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer, { jwksUri: issuer.jwksUri });
    freezeDate();
    const t0 = Date.now();
    await store.getKey('RS256', issuer.keys[0]!.kid);
    issuer.setFault({ type: 'status', status: 404, target: 'jwks' });
    at(t0 + MAX_AGE);
    await expect(store.ready()).resolves.toBeUndefined(); // stale keys still usable
    expect(issuer.requests).toMatchObject({ discovery: 0, jwks: 2 });
    expect(failures(events).map((event) => event.detail)).toEqual(['HTTP 404']);
  });
});
