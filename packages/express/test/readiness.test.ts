import { GatehouseReadinessError } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireAuth } from '../src/index.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

describe('@gatehouse/express: ready() and health()', () => {
  it('warms up at start-up and serves a readiness endpoint', async () => {
    const auth = requireAuth({ issuer: issuer.url, audience: issuer.audience });
    const app = express();
    app.get('/ready', (_req, res) => {
      const health = auth.health();
      res.status(health.ready ? 200 : 503).json(health);
    });
    app.use(auth);
    expect((await request(app).get('/ready')).status).toBe(503);
    await auth.ready();
    const ready = await request(app).get('/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.issuers[0]).toMatchObject({ issuer: issuer.url, ready: true, keyCount: 1 });
  });

  it('rejects naming the URL and the cause when the issuer is down', async () => {
    const gone = await createTestIssuer();
    await gone.close();
    const auth = requireAuth({ issuer: gone.url, audience: gone.audience });
    const error = await auth.ready().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatehouseReadinessError);
    expect((error as Error).message).toContain(`GET ${gone.url}/.well-known/openid-configuration`);
    expect((error as Error).message).toContain('ECONNREFUSED');
  });
});
