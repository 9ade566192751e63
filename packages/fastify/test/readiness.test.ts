import { createVerifier, GatehouseConfigError, GatehouseReadinessError } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse } from '../src/index.js';

let issuer: TestIssuer;
let downUrl: string;
beforeAll(async () => {
  issuer = await createTestIssuer();
  const gone = await createTestIssuer();
  downUrl = gone.url;
  await gone.close();
});
afterAll(() => issuer.close());

describe('@gatehouse/fastify: awaitReady', () => {
  it('fails registration, so app.ready(), naming the URL and the cause when the issuer is down', async () => {
    const app = Fastify();
    app.register(gatehouse, { issuer: downUrl, audience: issuer.audience, awaitReady: true });
    const error = await app.ready().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(GatehouseReadinessError);
    expect((error as Error).message).toContain(`GET ${downUrl}/.well-known/openid-configuration`);
    expect((error as Error).message).toContain('ECONNREFUSED');
    await app.close();
  });

  it('fetches the keys during app.ready() when the issuer is up; off by default', async () => {
    const local = await createTestIssuer();
    const app = Fastify();
    const lazy = Fastify();
    try {
      await lazy.register(gatehouse, { issuer: local.url, audience: local.audience });
      await lazy.ready();
      expect(local.requests.jwks).toBe(0);
      await app.register(gatehouse, {
        issuer: local.url,
        audience: local.audience,
        awaitReady: true,
      });
      await app.ready();
      expect(local.requests.jwks).toBe(1);
    } finally {
      await Promise.all([app.close(), lazy.close(), local.close()]);
    }
  });

  it('works with a verifier of your own, whose health() serves a readiness route', async () => {
    const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
    const app = Fastify();
    app.get('/ready', async (_request, reply) => {
      const health = verifier.health();
      return reply.code(health.ready ? 200 : 503).send(health);
    });
    await app.register(async (api) => {
      await api.register(gatehouse, { verifier, awaitReady: true });
    });
    await app.ready();
    const answer = await app.inject('/ready');
    expect(answer.statusCode).toBe(200);
    expect(answer.json().issuers[0]).toMatchObject({ issuer: issuer.url, ready: true });
    await app.close();
  });

  it('refuses an awaitReady that is not a boolean, naming it', async () => {
    const app = Fastify();
    const registered = app.register(gatehouse, {
      issuer: issuer.url,
      audience: issuer.audience,
      awaitReady: 'yes' as never,
    });
    await expect(registered).rejects.toThrow(GatehouseConfigError);
    await expect(app.ready()).rejects.toThrow(/awaitReady: must be a boolean/);
    await app.close();
  });
});
