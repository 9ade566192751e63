import type { AddressInfo } from 'node:net';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appModule } from '../../../examples/nestjs/src/app.module.js';

// examples/nestjs, run: its module answers the README's requests as documented.
let issuer: TestIssuer;
let app: INestApplication;
let url: string;

beforeAll(async () => {
  issuer = await createTestIssuer();
  app = await NestFactory.create(appModule({ issuer: issuer.url, audience: issuer.audience }), {
    logger: false,
  });
  await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
});
afterAll(async () => {
  await app?.close();
  await issuer?.close();
});

describe('examples/nestjs', () => {
  it('serves public, protected, scoped and user routes', async () => {
    const token = await issuer.mint({ scope: 'reports:read' });
    const get = (path: string, bearer?: string) => {
      const req = request(url).get(path).timeout(10_000);
      return bearer ? req.set('Authorization', `Bearer ${bearer}`) : req;
    };
    expect((await get('/health')).status).toBe(200);
    expect((await get('/api/hello')).status).toBe(401);
    expect((await get('/api/me', token)).body).toEqual({ me: { id: 1, name: 'Ada Lovelace' } });
    expect((await get('/api/reports', token)).status).toBe(200);
    const admin = await get('/api/admin', token);
    expect(admin.status).toBe(403);
    expect(admin.headers['www-authenticate']).toContain('scope="admin reports:admin"');
  });

  it('gates role routes with @AnyRole and @Roles (403 without scope=)', async () => {
    const get = (path: string, roles: string[]) =>
      issuer
        .mint({ roles })
        .then((token) =>
          request(url).get(path).set('Authorization', `Bearer ${token}`).timeout(10_000),
        );
    const audit = await get('/api/audit', ['auditor']);
    expect(audit.status).toBe(200);
    expect(audit.body).toEqual({ audit: true, roles: ['auditor'] });
    const refused = await get('/api/billing', ['billing']);
    expect(refused.status).toBe(403);
    expect(refused.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", error_description="the token lacks a required role (needs: billing, manager)"',
    );
    expect((await get('/api/billing', ['manager', 'billing'])).status).toBe(200);
  });

  it('is ready at once (awaitReady fetched the keys at bootstrap) and says so on /ready', async () => {
    const ready = await request(url).get('/ready').timeout(10_000);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      ready: true,
      issuers: [{ issuer: issuer.url, ready: true }],
    });
  });

  it('does not start while the issuer is down: app.listen rejects naming the URL', async () => {
    const gone = await createTestIssuer();
    await gone.close();
    const down = await NestFactory.create(
      appModule({ issuer: gone.url, audience: gone.audience }),
      {
        logger: false,
        abortOnError: false,
      },
    );
    try {
      await expect(down.listen(0, '127.0.0.1')).rejects.toThrow(
        `GET ${gone.url}/.well-known/openid-configuration: discovery: network error (ECONNREFUSED)`,
      );
    } finally {
      await down.close();
    }
  });
});
