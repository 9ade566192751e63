import { createServer } from 'node:http';
import * as gatehouseExpress from '@gatehouse/express';
import { gatehouse, requireScopes } from '@gatehouse/fastify';
import * as gatehouseKoa from '@gatehouse/koa';
import { checkProtectedRoute, createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The conformance kit passes on every Gatehouse adapter, whatever form the app is handed in.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256'] });
});
afterAll(() => issuer?.close());

const SCOPE = 'read:things';
const options = () => ({ issuer: issuer.url, audience: issuer.audience });

describe('checkProtectedRoute on Gatehouse apps', () => {
  it('Express app (request listener), scope-guarded route', async () => {
    const app = express();
    app.use(gatehouseExpress.requireAuth(options()));
    app.get('/things', gatehouseExpress.requireScopes(SCOPE), (req, res) => {
      res.json({ sub: req.auth?.subject });
    });
    const report = await checkProtectedRoute({
      app,
      issuer,
      path: '/things',
      claims: { scope: SCOPE },
    });
    expect(report.failures).toEqual([]);
    expect(report.passed).toBe(true);
    expect(report.summary).toMatch(/^checkProtectedRoute GET \/things: (\d+)\/\1 passed$/);
  }, 30_000);

  it('Koa app', async () => {
    const app = new Koa();
    app.use(gatehouseKoa.requireAuth(options()));
    app.use((ctx) => {
      ctx.body = { sub: ctx.state.auth?.subject };
    });
    const report = await checkProtectedRoute({ app, issuer, path: '/me', expiry: false });
    expect(report.failures).toEqual([]);
  });

  it('Fastify instance', async () => {
    const app = Fastify();
    await app.register(async (scope) => {
      await scope.register(gatehouse, options());
      scope.get('/things', { preHandler: requireScopes(SCOPE) }, async (request) => ({
        sub: request.auth?.subject,
      }));
    });
    const report = await checkProtectedRoute({
      app,
      issuer,
      path: '/things',
      claims: { scope: SCOPE },
      expiry: false,
    });
    await app.close();
    expect(report.failures).toEqual([]);
  });

  it('a listening http.Server, and its URL', async () => {
    const app = express().use(gatehouseExpress.requireAuth(options()), (_req, res) => {
      res.json({});
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const byServer = await checkProtectedRoute({ app: server, issuer, expiry: false });
      expect(byServer.failures).toEqual([]);
      const { port } = server.address() as { port: number };
      const byUrl = await checkProtectedRoute({
        app: `http://127.0.0.1:${port}`,
        issuer,
        expiry: false,
      });
      expect(byUrl.failures).toEqual([]);
      expect(server.listening).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
