import { GatehouseReadinessError } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { requireAuth as requireHonoAuth } from '../src/hono.js';
import { requireAuth } from '../src/index.js';

// ready() and health() on the Request authenticator and the Hono middleware, against a real
// local issuer and one that is down (its port closed). Key caches are shared per issuer across
// the process, so each "not ready yet" case has an issuer of its own.
/** The URL of an issuer that was closed: a fresh one per use, as key caches are per issuer. */
async function downedIssuerUrl(): Promise<string> {
  const gone = await createTestIssuer();
  await gone.close();
  return gone.url;
}

const issuers: TestIssuer[] = [];
const freshIssuer = async () => {
  const issuer = await createTestIssuer();
  issuers.push(issuer);
  return issuer;
};
afterAll(() => Promise.all(issuers.map((issuer) => issuer.close())));

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );

/** The README's readiness route: 200 with the snapshot when ready, else 503. */
const readiness = (source: { health(): { ready: boolean } }) => () => {
  const health = source.health();
  return Response.json(health, { status: health.ready ? 200 : 503 });
};

describe.each([
  ['@gatehouse/fetch requireAuth', requireAuth],
  ['@gatehouse/fetch/hono requireAuth', requireHonoAuth],
] as const)('%s: ready() and health()', (_name, build) => {
  it('health() is not ready until ready() fetched the keys; then it names the issuer', async () => {
    const issuer = await freshIssuer();
    const auth = build({ issuer: issuer.url, audience: issuer.audience });
    const route = readiness(auth);
    const before = route();
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ ready: false });
    await auth.ready();
    expect(issuer.requests.jwks).toBe(1);
    const after = route();
    expect(after.status).toBe(200);
    expect(((await after.json()) as { issuers: unknown[] }).issuers[0]).toMatchObject({
      issuer: issuer.url,
      ready: true,
      keyCount: 1,
      failures: 0,
    });
  });

  it('ready() rejects naming the URL and the cause when the issuer is down; health() reports it', async () => {
    const downUrl = await downedIssuerUrl();
    const auth = build({ issuer: downUrl, audience: 'https://api.example.com' });
    const error = await failureOf(auth.ready());
    expect(error).toBeInstanceOf(GatehouseReadinessError);
    expect((error as Error).message).toContain(`GET ${downUrl}/.well-known/openid-configuration`);
    expect((error as Error).message).toContain('ECONNREFUSED');
    const health = auth.health();
    expect(health.ready).toBe(false);
    expect(health.issuers[0]).toMatchObject({
      issuer: downUrl,
      ready: false,
      lastError: { detail: 'discovery: network error (ECONNREFUSED)' },
    });
  });
});

describe('@gatehouse/fetch/hono: a readiness route next to the protected ones', () => {
  it('answers 200 once warmed up, while /api still requires a token', async () => {
    const issuer = await freshIssuer();
    const auth = requireHonoAuth({ issuer: issuer.url, audience: issuer.audience });
    const app = new Hono();
    app.get('/ready', (c) => {
      const health = auth.health();
      return c.json(health, health.ready ? 200 : 503);
    });
    app.use('/api/*', auth);
    app.get('/api/me', (c) => c.json({ ok: true }));
    expect((await app.request('/ready')).status).toBe(503);
    await auth.ready();
    expect((await app.request('/ready')).status).toBe(200);
    expect((await app.request('/api/me')).status).toBe(401);
  });
});
