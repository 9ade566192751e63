// Issuer outages: at the key store (cold, warm stale-if-error, bounds, events), then as a
// verifier sees them.
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { getRemoteKeyStore, KEY_FETCH_DEFAULTS, type RemoteKeyStoreOptions } from '../src/jwks.js';
import { createVerifier } from '../src/verify.js';
import { failures, freezeDate, options, rejection } from './support/key-store.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

afterEach(() => {
  vi.useRealTimers();
});

describe('cold outage (no keys ever fetched)', () => {
  it('issuer down: fast temporarily_unavailable with retryAfter, then fail fast inside the backoff', async () => {
    await using issuer = await createTestIssuer();
    // A refused connection fails at once: far sooner than the 10 s the store would wait.
    const { store, events } = options(issuer, { timeoutMs: 10_000 });
    const clock = freezeDate();
    issuer.setFault({ type: 'down' });
    const started = performance.now();
    const error = await rejection(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect([error.code, error.reason, error.status]).toEqual([
      'temporarily_unavailable',
      'keys_unavailable',
      503,
    ]);
    expect(error.retryAfter).toBeGreaterThanOrEqual(1);
    expect(failures(events)).toEqual([
      expect.objectContaining({ stale: false, detail: 'discovery: network error (ECONNRESET)' }),
    ]);
    const requests = issuer.requests.total;
    for (let i = 0; i < 20; i++) await rejection(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(issuer.requests.total).toBe(requests);
    // Backoff doubles: 1 s after the first failure, 2 s after the second.
    clock.advance(1_000);
    await rejection(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(issuer.requests.total).toBe(requests + 1);
    clock.advance(1_000);
    await rejection(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(issuer.requests.total).toBe(requests + 1);
    issuer.setFault(null);
    clock.advance(1_000);
    expect((await store.getKey('RS256', issuer.keys[0]!.kid)).type).toBe('public');
  });

  it('slow issuer: rejects within the timeout, every waiting caller alike', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer, { timeoutMs: 300 });
    issuer.setFault({ type: 'slow', ms: 8_000 });
    const started = performance.now();
    const errors = await Promise.all(
      Array.from({ length: 10 }, () => rejection(store.getKey('RS256', issuer.keys[0]!.kid))),
    );
    // Given up after the 300 ms timeout, not after the issuer's 8 s.
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(errors.every((error) => error.code === 'temporarily_unavailable')).toBe(true);
    expect(issuer.requests.discovery).toBe(1);
    expect(failures(events).map((event) => event.detail)).toEqual([
      'discovery: timeout after 300 ms',
    ]);
  });

  it('discovery and JWKS share one time budget', async () => {
    await using issuer = await createTestIssuer();
    // 1.5 s each: either request alone fits in 2.5 s (with a second to spare for a loaded
    // machine), both together do not.
    issuer.setFault({ type: 'slow', ms: 1_500 });
    const { store, events } = options(issuer, { timeoutMs: 2_500 });
    await rejection(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 1 });
    expect(failures(events).map((event) => event.detail)).toEqual(['timeout after 2500 ms']);
  });
});

describe('warm outage: stale-if-error', () => {
  it('serves the last good keys up to maxStale, retrying with backoff, then answers unavailable', async () => {
    await using issuer = await createTestIssuer({ jwksMaxAge: 600 });
    const { store, events } = options(issuer);
    const clock = freezeDate();
    const kid = issuer.keys[0]!.kid;
    const key = await store.getKey('RS256', kid);
    issuer.setFault({ type: 'down' });
    clock.advance(11 * MINUTE);
    expect(await store.getKey('RS256', kid)).toBe(key);
    await vi.waitFor(() => expect(failures(events)).toHaveLength(1));
    expect(failures(events)[0]).toMatchObject({
      stale: true,
      detail: 'network error (ECONNRESET)',
    });
    const requests = issuer.requests.total;
    for (let i = 0; i < 50; i++) expect(await store.getKey('RS256', kid)).toBe(key);
    expect(issuer.requests.total).toBe(requests);
    expect(store.keyNow('RS256', kid)).toBe(key);
    clock.advance(1_000);
    expect(await store.getKey('RS256', kid)).toBe(key);
    await vi.waitFor(() => expect(failures(events)).toHaveLength(2));
    // Past max-age (10 min) + maxStale (24 h): the keys are no longer trusted.
    clock.advance(DAY);
    expect(store.keyNow('RS256', kid)).toBeUndefined();
    const error = await rejection(store.getKey('RS256', kid));
    expect([error.code, error.reason]).toEqual(['temporarily_unavailable', 'keys_unavailable']);
    expect(failures(events).at(-1)).toMatchObject({ stale: false });
    issuer.setFault(null);
    clock.advance(30_000);
    expect(modulusOf(await store.getKey('RS256', kid))).toBe(modulusOf(key));
  });

  it('an unknown kid during an outage is an outage (503), not a bad token', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer);
    freezeDate();
    await store.getKey('RS256', issuer.keys[0]!.kid);
    issuer.setFault({ type: 'status', status: 502 });
    const first = await rejection(store.getKey('RS256', 'rotated-in-during-outage'));
    expect([first.code, first.reason]).toEqual(['temporarily_unavailable', 'keys_unavailable']);
    const jwks = issuer.requests.jwks;
    const second = await rejection(store.getKey('RS256', 'another-one'));
    expect(second.code).toBe('temporarily_unavailable');
    expect(issuer.requests.jwks).toBe(jwks);
  });
});

describe('response bounds', () => {
  const cases: {
    name: string;
    arrange: (issuer: TestIssuer) => Partial<RemoteKeyStoreOptions>;
    detail: string;
  }[] = [
    {
      name: 'a streamed body beyond maxBytes',
      arrange: (issuer) => {
        issuer.setFault({ type: 'huge', target: 'jwks', bytes: 2 * 1024 * 1024 });
        return { maxBytes: 65_536 };
      },
      detail: 'body larger than 65536 bytes',
    },
    {
      name: 'a declared Content-Length beyond maxBytes',
      arrange: () => ({ maxBytes: 200 }),
      detail: 'body larger than 200 bytes',
    },
    {
      name: 'garbage instead of JSON',
      arrange: (issuer) => {
        issuer.setFault({ type: 'garbage', target: 'jwks' });
        return {};
      },
      detail: 'invalid JSON',
    },
    {
      name: 'an HTTP error status',
      arrange: (issuer) => {
        issuer.setFault({ type: 'status', status: 500, target: 'jwks' });
        return {};
      },
      detail: 'HTTP 500',
    },
    {
      name: 'more keys than maxKeys (the set is refused as a whole)',
      arrange: () => ({ maxKeys: 2 }),
      detail: 'invalid key set: more than 2 keys (3)',
    },
  ];

  for (const { name, arrange, detail } of cases) {
    it(`refuses ${name}`, async () => {
      await using issuer = await createTestIssuer({ algorithms: ['ES256', 'ES256', 'ES256'] });
      const extra = arrange(issuer);
      const { store, events } = options(issuer, { jwksUri: issuer.jwksUri, ...extra });
      const error = await rejection(store.getKey('ES256', issuer.keys[0]!.kid));
      expect(error.code).toBe('temporarily_unavailable');
      expect(failures(events).map((event) => event.detail)).toEqual([detail]);
    });
  }
});

describe('events', () => {
  it('a throwing or rejecting listener never breaks key retrieval', async () => {
    await using issuer = await createTestIssuer();
    const seen: string[] = [];
    const base = { ...KEY_FETCH_DEFAULTS, issuer: issuer.url };
    getRemoteKeyStore({ ...base, onEvent: () => Promise.reject(new Error('async listener')) });
    getRemoteKeyStore({
      ...base,
      onEvent: () => {
        throw new Error('listener');
      },
    });
    const store = getRemoteKeyStore({ ...base, onEvent: (event) => seen.push(event.type) });
    expect((await store.getKey('RS256', issuer.keys[0]!.kid)).type).toBe('public');
    expect(seen).toEqual(['discovery', 'keys_refreshed']);
  });
});

function modulusOf(key: {
  export(options: { format: 'jwk' }): { n?: string };
}): string | undefined {
  return key.export({ format: 'jwk' }).n;
}

describe('issuer outages, seen through the verifier', () => {
  it('100 concurrent cold verifications make one discovery and one JWKS request', async () => {
    await using issuer = await createTestIssuer();
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      cache: false,
    });
    const tokens = await Promise.all(
      Array.from({ length: 100 }, (_, i) => issuer.mint({ jti: `c${i}` })),
    );
    const results = await Promise.all(tokens.map((t) => verifier.verify(t)));
    expect(results).toHaveLength(100);
    expect(issuer.requests.jwks).toBe(1);
    expect(issuer.requests.discovery).toBe(1);
  });

  it('warm: keeps verifying with the cached keys while the issuer is down', async () => {
    await using issuer = await createTestIssuer();
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      cache: false,
    });
    await verifier.verify(await issuer.mint());
    issuer.setFault({ type: 'down' });
    await expect(
      verifier.verify(await issuer.mint({ jti: 'during-outage' })),
    ).resolves.toBeDefined();
  });

  it('cold, issuer down: temporarily_unavailable with Retry-After, at once', async () => {
    await using issuer = await createTestIssuer();
    issuer.setFault({ type: 'down' });
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      keyFetch: { timeout: 10 },
    });
    const token = await issuer.mint();
    const started = performance.now();
    const error = await verifier.verify(token).catch((e) => e);
    expect(error).toMatchObject({
      code: 'temporarily_unavailable',
      reason: 'keys_unavailable',
      status: 503,
    });
    expect(error.retryAfter).toBeGreaterThan(0);
    // At once: far sooner than the 10 s fetch timeout.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('cold, issuer hanging: gives up within the fetch timeout, discovery and JWKS together', async () => {
    await using issuer = await createTestIssuer();
    issuer.setFault({ type: 'slow', ms: 8_000 });
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      keyFetch: { timeout: 0.4 },
    });
    const token = await issuer.mint();
    const started = performance.now();
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'temporarily_unavailable',
    });
    // Given up after the 0.4 s budget, not after the issuer's 8 s.
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it.each([{ type: 'status', status: 500 }, { type: 'garbage' }, { type: 'huge' }] as const)(
    'cold, issuer answering %j: temporarily_unavailable, never invalid_token',
    async (fault) => {
      await using issuer = await createTestIssuer();
      issuer.setFault({ ...fault, target: 'jwks' });
      const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
      await expect(verifier.verify(await issuer.mint())).rejects.toMatchObject({
        code: 'temporarily_unavailable',
      });
    },
  );

  it('recovers once the issuer is back', async () => {
    await using issuer = await createTestIssuer();
    issuer.setFault({ type: 'down' });
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      keyFetch: { cooldown: 0 },
    });
    await expect(verifier.verify(await issuer.mint())).rejects.toMatchObject({
      code: 'temporarily_unavailable',
    });
    issuer.setFault(null);
    const token = await issuer.mint();
    await expect
      .poll(
        async () =>
          verifier.verify(token).then(
            () => 'ok',
            (e) => e.code,
          ),
        { timeout: 10_000, interval: 200 },
      )
      .toBe('ok');
  });
});
