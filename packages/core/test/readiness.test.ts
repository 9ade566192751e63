import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseReadinessError } from '../src/readiness.js';
import { createVerifier } from '../src/verify.js';

let up: TestIssuer;
let downUrl: string;
beforeAll(async () => {
  up = await createTestIssuer();
  // A closed port on loopback: connections are refused (ECONNREFUSED).
  const gone = await createTestIssuer();
  downUrl = gone.url;
  await gone.close();
});
afterAll(() => up.close());

const rejectionOf = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error as GatehouseReadinessError,
  );

describe('verifier.ready()', () => {
  it('up: fetches discovery and keys now, then verifies without a request', async () => {
    const issuer = await createTestIssuer();
    try {
      const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
      expect(verifier.health()).toMatchObject({
        ready: false,
        issuers: [{ ready: false, keyCount: 0 }],
      });
      await verifier.ready();
      expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 1 });
      await verifier.verify(await issuer.mint());
      await verifier.ready(); // fresh keys: no new request
      expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 1 });
      const health = verifier.health();
      expect(health.ready).toBe(true);
      expect(health.issuers[0]).toMatchObject({
        issuer: issuer.url,
        jwksUri: issuer.jwksUri,
        ready: true,
        keyCount: 1,
        stale: false,
        failures: 0,
      });
      expect(Date.parse(health.issuers[0]?.lastRefresh ?? '')).toBeGreaterThan(Date.now() - 60_000);
      expect(health.issuers[0]?.lastError).toBeUndefined();
    } finally {
      await issuer.close();
    }
  });

  it('down: rejects naming the issuer, the URL and ECONNREFUSED; health shows the error', async () => {
    const verifier = createVerifier({ issuer: downUrl, audience: 'https://api.example.test' });
    const error = await rejectionOf(verifier.ready());
    expect(error).toBeInstanceOf(GatehouseReadinessError);
    expect(error.message).toContain(downUrl);
    expect(error.message).toContain(`GET ${downUrl}/.well-known/openid-configuration`);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.failures).toEqual([
      {
        issuer: downUrl,
        url: `${downUrl}/.well-known/openid-configuration`,
        detail: 'discovery: network error (ECONNREFUSED)',
      },
    ]);
    const health = verifier.health();
    expect(health.ready).toBe(false);
    expect(health.issuers[0]).toMatchObject({
      ready: false,
      keyCount: 0,
      failures: 1,
      lastError: { detail: 'discovery: network error (ECONNREFUSED)' },
    });
    // Inside the backoff a second check answers at once, with the same cause.
    const started = performance.now();
    expect((await rejectionOf(verifier.ready())).message).toContain('ECONNREFUSED');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('slow within the budget: waits for the answer', async () => {
    const issuer = await createTestIssuer();
    try {
      issuer.setFault({ type: 'slow', ms: 300 });
      const verifier = createVerifier({
        issuer: issuer.url,
        audience: issuer.audience,
        keyFetch: { timeout: 10 },
      });
      const started = performance.now();
      await verifier.ready();
      expect(performance.now() - started).toBeGreaterThanOrEqual(250);
      expect(verifier.health().ready).toBe(true);
    } finally {
      await issuer.close();
    }
  });

  it('slow past the budget: rejects within the key-fetch timeout, naming the timeout', async () => {
    const issuer = await createTestIssuer();
    try {
      issuer.setFault({ type: 'slow', ms: 5_000 });
      const verifier = createVerifier({
        issuer: issuer.url,
        audience: issuer.audience,
        keyFetch: { timeout: 0.3 },
      });
      const started = performance.now();
      const error = await rejectionOf(verifier.ready());
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(error.failures[0]).toMatchObject({
        url: `${issuer.url}/.well-known/openid-configuration`,
        detail: 'discovery: timeout after 300 ms',
      });
    } finally {
      await issuer.close();
    }
  });

  it('several issuers: names only those that failed', async () => {
    const verifier = createVerifier({ issuer: [up.url, downUrl], audience: up.audience });
    const error = await rejectionOf(verifier.ready());
    expect(error.failures.map((failure) => failure.issuer)).toEqual([downUrl]);
    expect(verifier.health()).toMatchObject({
      ready: false,
      issuers: [
        { issuer: up.url, ready: true },
        { issuer: downUrl, ready: false },
      ],
    });
  });

  it('an issuer that went down after keys were loaded: still ready, keys marked stale', async () => {
    const issuer = await createTestIssuer({ jwksMaxAge: 1 });
    try {
      const verifier = createVerifier({
        issuer: issuer.url,
        audience: issuer.audience,
        keyFetch: { maxAge: 1 },
      });
      await verifier.ready();
      issuer.setFault({ type: 'status', status: 500 });
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await verifier.ready(); // stale keys are still served: ready
      const [health] = verifier.health().issuers;
      expect(health).toMatchObject({ ready: true, stale: true, failures: 1, keyCount: 1 });
      expect(health?.lastError?.detail).toBe('HTTP 500');
    } finally {
      await issuer.close();
    }
  });

  it('configured keys: always ready, nothing fetched', async () => {
    const verifier = createVerifier({
      issuer: 'https://as.example',
      audience: 'https://api.example',
      keys: { keys: [up.keys[0]!.publicJwk as Record<string, unknown>] },
    });
    await verifier.ready();
    expect(verifier.health()).toEqual({
      ready: true,
      issuers: [
        { issuer: 'https://as.example', ready: true, keyCount: 1, stale: false, failures: 0 },
      ],
    });
  });
});
