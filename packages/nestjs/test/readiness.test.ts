import type { AddressInfo } from 'node:net';
import { GatehouseConfigError, GatehouseReadinessError } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import type { INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The example app's readiness endpoint: the module's guard, injected.
import { ReadinessController } from '../../../examples/nestjs/src/readiness.controller.js';
import {
  GatehouseGuard,
  GatehouseModule,
  type GatehouseModuleOptions,
  requireAuth,
} from '../src/index.js';

// ready() and health() of GatehouseGuard, and `awaitReady` of GatehouseModule.forRoot, against
// a real local issuer and one that is down (its port closed).
let issuer: TestIssuer;
let downUrl: string;
beforeAll(async () => {
  issuer = await createTestIssuer();
  downUrl = await downedIssuerUrl();
});
afterAll(() => issuer.close());

/** The URL of an issuer that was closed: a fresh one per use, as key caches are per issuer. */
async function downedIssuerUrl(): Promise<string> {
  const gone = await createTestIssuer();
  await gone.close();
  return gone.url;
}

type Platform = 'express' | 'fastify';
const adapterFor = (platform: Platform) =>
  platform === 'express' ? new ExpressAdapter() : new FastifyAdapter();

async function build(platform: Platform, options: GatehouseModuleOptions) {
  const moduleRef = await Test.createTestingModule({
    imports: [GatehouseModule.forRoot(options)],
    controllers: [ReadinessController],
    providers: [{ provide: APP_GUARD, useClass: GatehouseGuard }],
  }).compile();
  return moduleRef.createNestApplication(adapterFor(platform), { logger: false });
}

async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
}

const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );

describe.each(['express', 'fastify'] as const)('@gatehouse/nestjs readiness on %s', (platform) => {
  it('the injected guard: health() serves a readiness route, ready() warms the keys', async () => {
    // An issuer of its own: key caches are shared per issuer across the process.
    const local = await createTestIssuer();
    const app = await build(platform, { issuer: local.url, audience: local.audience });
    try {
      const url = await listen(app);
      const before = await request(url).get('/ready').timeout(10_000);
      expect(before.status).toBe(503);
      expect(before.body).toMatchObject({ ready: false });
      await app.get(GatehouseGuard).ready();
      const after = await request(url).get('/ready').timeout(10_000);
      expect(after.status).toBe(200);
      expect(after.body.issuers[0]).toMatchObject({ issuer: local.url, ready: true, keyCount: 1 });
    } finally {
      await app.close();
      await local.close();
    }
  });

  it('awaitReady: the app does not start, naming the URL and the cause, when the issuer is down', async () => {
    const downUrl = await downedIssuerUrl();
    const app = await build(platform, {
      issuer: downUrl,
      audience: issuer.audience,
      awaitReady: true,
    });
    try {
      const error = await failureOf(app.init());
      expect(error).toBeInstanceOf(GatehouseReadinessError);
      expect((error as Error).message).toContain(`GET ${downUrl}/.well-known/openid-configuration`);
      expect((error as Error).message).toContain('ECONNREFUSED');
      const health = app.get(GatehouseGuard).health();
      expect(health.ready).toBe(false);
      expect(health.issuers[0]).toMatchObject({
        issuer: downUrl,
        ready: false,
        failures: 1,
        lastError: { detail: 'discovery: network error (ECONNREFUSED)' },
      });
    } finally {
      await app.close();
    }
  });
});

describe('@gatehouse/nestjs awaitReady', () => {
  it('fetches the keys during bootstrap when the issuer is up; off by default', async () => {
    const local = await createTestIssuer();
    const lazy = await build('express', { issuer: local.url, audience: local.audience });
    const eager = await build('express', {
      issuer: local.url,
      audience: local.audience,
      awaitReady: true,
    });
    try {
      await lazy.init();
      expect(local.requests.jwks).toBe(0);
      await eager.init();
      expect(local.requests.jwks).toBe(1);
      expect(eager.get(GatehouseGuard).health().ready).toBe(true);
    } finally {
      await Promise.all([lazy.close(), eager.close()]);
      await local.close();
    }
  });

  it('refuses an awaitReady that is not a boolean, naming it, when the module is built', () => {
    const options = { issuer: issuer.url, audience: issuer.audience, awaitReady: 'yes' as never };
    expect(() => GatehouseModule.forRoot(options)).toThrow(GatehouseConfigError);
    expect(() => GatehouseModule.forRoot(options)).toThrow(/awaitReady: must be a boolean/);
  });

  it('is not an option of requireAuth, whose guard has ready() itself', async () => {
    const base = { issuer: downUrl, audience: issuer.audience };
    expect(() => requireAuth({ ...base, awaitReady: true } as never)).toThrow(GatehouseConfigError);
    const error = await failureOf(requireAuth(base).ready());
    expect(error).toBeInstanceOf(GatehouseReadinessError);
    expect((error as Error).message).toContain(`GET ${downUrl}/.well-known/openid-configuration`);
  });
});
