import type { AddressInfo } from 'node:net';
import { GatehouseConfigError, GatehouseError } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import {
  type ArgumentsHost,
  Catch,
  Controller,
  type ExceptionFilter,
  Get,
  type INestApplication,
  UseGuards,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnyRole, GatehouseGuard, GatehouseModule, Roles, requireAuth } from '../src/index.js';

// @Roles and @AnyRole on real Nest apps (@nestjs/testing) on both HTTP platforms: the verifier
// reads roles from Keycloak's `realm_access.roles`; refusals are the core role guard's.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

/** Answers a delegated refusal with its reason, to show which guard refused. */
@Catch(GatehouseError)
class ReasonFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}
  catch(error: GatehouseError, host: ArgumentsHost) {
    const body = { error: error.code, reason: error.reason };
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), body, error.status);
  }
}

async function start(platform: 'express' | 'fastify'): Promise<INestApplication> {
  const options = { issuer: issuer.url, audience: issuer.audience, roles: 'realm_access.roles' };

  @Controller('api')
  @UseGuards(GatehouseGuard)
  class ReportsController {
    @Get('admin')
    @Roles('admin', 'ops')
    admin() {
      return { ok: 'admin' };
    }

    @Get('audit')
    @AnyRole('auditor', 'admin')
    audit() {
      return { ok: 'audit' };
    }
  }

  // Class-level, on a controller with an authentication guard of its own that delegates
  // refusals. TypeScript applies decorators bottom-up, so the guard that authenticates goes last.
  @Controller('delegated')
  @Roles('admin')
  @UseGuards(requireAuth({ ...options, errors: 'delegate' }))
  class DelegatedController {
    @Get()
    get() {
      return { ok: 'delegated' };
    }
  }

  const moduleRef = await Test.createTestingModule({
    imports: [GatehouseModule.forRoot(options)],
    controllers: [ReportsController, DelegatedController],
  }).compile();
  const app = moduleRef.createNestApplication(
    platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false },
  );
  app.useGlobalFilters(new ReasonFilter(app.get(HttpAdapterHost)));
  await app.listen(0, '127.0.0.1');
  return app;
}

describe.each(['express', 'fastify'] as const)('@Roles and @AnyRole on %s', (platform) => {
  let app: INestApplication;
  let url: string;
  beforeAll(async () => {
    app = await start(platform);
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app?.close());

  const withRoles = (...roles: string[]) => issuer.mint({ realm_access: { roles } });
  const get = (path: string, token: string) =>
    request(url).get(path).set('Authorization', `Bearer ${token}`).timeout(10_000);

  it('@Roles: every role → 200; one missing → 403 insufficient_scope without scope=', async () => {
    expect((await get('/api/admin', await withRoles('ops', 'admin', 'x'))).status).toBe(200);
    const refused = await get('/api/admin', await withRoles('admin'));
    expect(refused.status).toBe(403);
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope"/);
    expect(refused.headers['www-authenticate']).not.toContain('scope=');
    expect(refused.headers['cache-control']).toBe('no-store');
    expect(refused.body).toEqual({
      error: 'insufficient_scope',
      error_description: 'the token lacks a required role (needs: admin, ops)',
    });
  });

  it('@AnyRole: one of the roles → 200; none → 403 naming the alternatives', async () => {
    expect((await get('/api/audit', await withRoles('auditor'))).status).toBe(200);
    expect((await get('/api/audit', await withRoles('admin'))).status).toBe(200);
    const refused = await get('/api/audit', await withRoles('reader'));
    expect(refused.status).toBe(403);
    expect(refused.headers['www-authenticate']).not.toContain('scope=');
    expect(refused.body.error_description).toBe(
      'the token has none of the accepted roles (one of: auditor, admin)',
    );
  });

  it('a token without the role claim has no roles: 403, never 500', async () => {
    const refused = await get('/api/audit', await issuer.mint({ scope: 'admin' }));
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('insufficient_scope');
  });

  it('on a controller, with errors: delegate: the refusal reason is missing_role', async () => {
    const refused = await get('/delegated', await withRoles('reader'));
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: 'insufficient_scope', reason: 'missing_role' });
    expect(refused.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
    expect((await get('/delegated', await withRoles('admin'))).status).toBe(200);
  });

  it('no token on a role route: 401 from the authentication guard, not 403', async () => {
    const response = await request(url).get('/api/admin').timeout(10_000);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
  });
});

describe('@Roles and @AnyRole options', () => {
  it('refuse an empty list or a role with whitespace when the decorator is built', () => {
    expect(() => Roles()).toThrow(GatehouseConfigError);
    expect(() => AnyRole('has space')).toThrow(/requireAnyRole\(\)\[0\]/);
    expect(() => Roles('ok', '')).toThrow(/requireRoles\(\)\[1\]/);
  });
});
