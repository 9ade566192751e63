import { checkProtectedRoute, createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp as createDemoApp } from '../../examples/demo/src/app.js';
import { openDatabase } from '../../examples/demo/src/db.js';
import { createApp as createExpressApp } from '../../examples/express/src/app.js';
import { createApp as createFastifyApp } from '../../examples/fastify/src/app.js';
import { createApp as createKoaApp } from '../../examples/koa/src/app.js';

// The conformance kit passes on every example app, built as its server.ts builds it.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer?.close());

const trust = () => ({ issuer: issuer.url, audience: issuer.audience });

describe('checkProtectedRoute on the examples', () => {
  it('examples/express: /api/reports', async () => {
    const report = await checkProtectedRoute({
      app: createExpressApp(trust()),
      issuer,
      path: '/api/reports',
      claims: { scope: 'reports:read' },
    });
    expect(report.failures, report.summary).toEqual([]);
  }, 30_000);

  it('examples/koa: /api/reports', async () => {
    const report = await checkProtectedRoute({
      app: createKoaApp(trust()),
      issuer,
      path: '/api/reports',
      claims: { scope: 'reports:read' },
      expiry: false,
    });
    expect(report.failures, report.summary).toEqual([]);
  });

  it('examples/fastify: /api/reports', async () => {
    const app = await createFastifyApp(trust());
    try {
      const report = await checkProtectedRoute({
        app,
        issuer,
        path: '/api/reports',
        claims: { scope: 'reports:read' },
        expiry: false,
      });
      expect(report.failures, report.summary).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('examples/demo: /accounts', async () => {
    const db = await openDatabase();
    try {
      const report = await checkProtectedRoute({
        app: createDemoApp({ verifierOptions: trust(), db }),
        issuer,
        path: '/accounts',
        claims: { scope: 'accounts:read' },
        expiry: false,
      });
      expect(report.failures, report.summary).toEqual([]);
    } finally {
      await db.close();
    }
  }, 120_000);
});
