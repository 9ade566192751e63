import type { AddressInfo } from 'node:net';
import {
  type AuthContext,
  GatehouseConfigError,
  GatehouseError,
  isGatehouseError,
} from '@gatehouse/core';
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
import { APP_GUARD, HttpAdapterHost } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test, type TestingModule } from '@nestjs/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AnyScope,
  Auth,
  GatehouseGuard,
  GatehouseModule,
  Public,
  requireAuth,
  Scopes,
} from '../src/index.js';

// Real Nest applications (@nestjs/testing) on both HTTP platforms, listening on 127.0.0.1.
interface User {
  name: string;
}

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(async () => {
  await issuer.close();
});

class StoreDown extends Error {}

/** The app's own exception filter: answers a delegated GatehouseError with its own body. */
@Catch(GatehouseError, StoreDown)
class AppFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}
  catch(error: unknown, host: ArgumentsHost) {
    const status = isGatehouseError(error) ? error.status : 502;
    const code = isGatehouseError(error) ? error.code : 'store_down';
    const { httpAdapter } = this.adapterHost;
    httpAdapter.reply(host.switchToHttp().getResponse(), { mine: code }, status);
  }
}

type Platform = 'express' | 'fastify';
type Running = { app: INestApplication; url: string };

async function start(platform: Platform): Promise<Running> {
  const base = { issuer: issuer.url, audience: issuer.audience, realm: 'api' };

  @Controller('api')
  class ThingsController {
    @Get('me')
    me(@Auth() auth: AuthContext<User>) {
      return { sub: auth.subject, user: auth.user };
    }

    @Get('reports')
    @Scopes('reports:read')
    reports() {
      return { reports: [] };
    }

    @Get('either')
    @AnyScope('a', 'b')
    either() {
      return { ok: true };
    }

    @Public()
    @Get('health')
    health(@Auth() auth: AuthContext | undefined) {
      return { ok: true, auth: auth ?? null };
    }
  }

  const moduleRef = await Test.createTestingModule({
    imports: [
      GatehouseModule.forRoot<User>({
        ...base,
        resolveUser: (auth) => {
          if (auth.subject === 'boom') throw new StoreDown('user store down');
          return { name: 'Ada' };
        },
      }),
    ],
    controllers: [ThingsController],
    providers: [{ provide: APP_GUARD, useClass: GatehouseGuard }],
  }).compile();
  return listen(moduleRef, platform);
}

/** An app without GatehouseModule: one controller guarded by `requireAuth(options)`. */
async function startDelegated(platform: Platform): Promise<Running> {
  @Controller('delegated')
  @UseGuards(requireAuth({ issuer: issuer.url, audience: issuer.audience, errors: 'delegate' }))
  class DelegatedController {
    @Get()
    get() {
      return { ok: true };
    }
  }
  return listen(
    await Test.createTestingModule({ controllers: [DelegatedController] }).compile(),
    platform,
  );
}

async function listen(moduleRef: TestingModule, platform: Platform): Promise<Running> {
  const app = moduleRef.createNestApplication(
    platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false },
  );
  app.useGlobalFilters(new AppFilter(app.get(HttpAdapterHost)));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}

describe.each(['express', 'fastify'] as const)(
  '@gatehouse/nestjs on the %s platform',
  (platform) => {
    let app: INestApplication;
    let url: string;
    let delegated: Running;
    beforeAll(async () => {
      ({ app, url } = await start(platform));
      delegated = await startDelegated(platform);
    });
    afterAll(async () => {
      await app?.close();
      await delegated?.app.close();
    });

    const get = (path: string, token?: string, base = url) => {
      const req = request(base).get(path).timeout(10_000);
      return token ? req.set('Authorization', `Bearer ${token}`) : req;
    };

    it('gives @Auth() the AuthContext with the mapped user', async () => {
      const response = await get('/api/me', await issuer.mint());
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ sub: 'user-123', user: { name: 'Ada' } });
    });

    it('refuses no credentials 401 with the challenge, through Nest (RFC 6750 §3.1)', async () => {
      const response = await get('/api/me');
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toEqual({
        error: 'unauthorized',
        error_description: 'a Bearer access token is required',
      });
    });

    it('refuses an expired token 401 invalid_token, without echoing it', async () => {
      const token = await issuer.mint({}, { expiresIn: -120 });
      const response = await get('/api/me', token);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(
        /^Bearer realm="api", error="invalid_token"/,
      );
      expect(response.body.error).toBe('invalid_token');
      expect(response.text).not.toContain(token);
    });

    it('@Scopes and @AnyScope: 403 insufficient_scope with scope=, 200 with the scope', async () => {
      const other = await issuer.mint({ scope: 'other' });
      const reports = await get('/api/reports', other);
      expect(reports.status).toBe(403);
      expect(reports.headers['www-authenticate']).toContain('scope="reports:read"');
      expect(reports.body.error).toBe('insufficient_scope');
      const either = await get('/api/either', other);
      expect(either.headers['www-authenticate']).toContain('scope="a b"');
      expect((await get('/api/reports', await issuer.mint({ scope: 'reports:read' }))).status).toBe(
        200,
      );
      expect((await get('/api/either', await issuer.mint({ scope: 'b' }))).status).toBe(200);
    });

    it('@Public() skips authentication', async () => {
      const response = await get('/api/health');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ok: true, auth: null });
    });

    it("errors: 'delegate' and resolveUser errors reach the app's exception filter, headers kept", async () => {
      const refused = await get('/delegated', 'not-a-jwt', delegated.url);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({ mine: 'invalid_token' });
      expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      const boom = await get('/api/me', await issuer.mint({ sub: 'boom' }));
      expect(boom.status).toBe(502);
      expect(boom.body).toEqual({ mine: 'store_down' });
    });
  },
);

describe('@gatehouse/nestjs options', () => {
  it('refuses bad options when the module or guard is built', () => {
    const base = { issuer: issuer.url, audience: issuer.audience };
    expect(() => GatehouseModule.forRoot({ ...base, optional: 'yes' } as never)).toThrow(
      GatehouseConfigError,
    );
    expect(() => requireAuth({ ...base, errors: 'never' } as never)).toThrow(GatehouseConfigError);
    expect(() => Scopes('has space')).toThrow(GatehouseConfigError);
  });
});
