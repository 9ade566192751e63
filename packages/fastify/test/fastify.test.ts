import { type AuthContext, createVerifier, GatehouseConfigError } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { gatehouse, getAuth, requireClaims, requireScopes } from '../src/index.js';

let issuer: TestIssuer;
let base: { issuer: string; audience: string };
const apps: FastifyInstance[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer();
  base = { issuer: issuer.url, audience: issuer.audience };
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await issuer.close();
});

async function serve(app: FastifyInstance): Promise<string> {
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
}

const who = async (req: { auth: AuthContext | undefined }) => ({ sub: req.auth?.subject ?? null });

describe('@gatehouse/fastify', () => {
  it('protects the context it is registered in and its children; siblings and the root stay public', async () => {
    const app = Fastify();
    app.get('/root', who);
    await app.register(async (api) => {
      await api.register(gatehouse, base);
      api.get('/api/me', who);
      await api.register(async (child) => {
        child.get('/api/child', who);
      });
    });
    await app.register(async (site) => {
      site.get('/site', who);
    });
    const url = await serve(app);
    const token = await issuer.mint();
    expect((await request(url).get('/api/me')).status).toBe(401);
    expect((await request(url).get('/api/child')).status).toBe(401);
    expect(
      (await request(url).get('/api/me').set('Authorization', `Bearer ${token}`)).body,
    ).toEqual({
      sub: 'user-123',
    });
    expect((await request(url).get('/site')).body).toEqual({ sub: null });
    expect((await request(url).get('/root')).body).toEqual({ sub: null });
  });

  it('registered at the root, protects every route; a second registration below does not clash', async () => {
    const app = Fastify();
    await app.register(gatehouse, { ...base, optional: true });
    app.get('/open', who);
    await app.register(async (admin) => {
      await admin.register(gatehouse, base);
      admin.get('/admin', { preHandler: requireClaims({ sub: 'user-123' }) }, who);
    });
    const url = await serve(app);
    expect((await request(url).get('/open')).body).toEqual({ sub: null });
    expect((await request(url).get('/admin')).status).toBe(401);
    const admin = await request(url)
      .get('/admin')
      .set('Authorization', `Bearer ${await issuer.mint()}`);
    expect(admin.body).toEqual({ sub: 'user-123' });
  });

  it('accepts a Verifier as the plugin options, and types request.auth', async () => {
    const app = Fastify();
    await app.register(gatehouse, createVerifier(base));
    app.get('/', async (req) => {
      expectTypeOf(req.auth).toEqualTypeOf<AuthContext | undefined>();
      expectTypeOf(getAuth<{ id: number }>(req)).toEqualTypeOf<
        AuthContext<{ id: number }> | undefined
      >();
      return { sub: req.auth?.subject, same: getAuth(req) === req.auth };
    });
    const response = await request(await serve(app))
      .get('/')
      .set('Authorization', `Bearer ${await issuer.mint()}`);
    expect(response.body).toEqual({ sub: 'user-123', same: true });
  });

  it('refuses bad options at startup (ready), before any request', async () => {
    const app = Fastify();
    app.register(gatehouse, { ...base, userCache: { ttl: 'soon' } });
    await expect(app.ready()).rejects.toBeInstanceOf(GatehouseConfigError);
    expect(() => requireScopes('')).toThrow(GatehouseConfigError);
  });

  it("errors: 'delegate' without setErrorHandler: Fastify's default JSON keeps status and challenge", async () => {
    const app = Fastify();
    await app.register(gatehouse, { ...base, errors: 'delegate', realm: 'api' });
    app.get('/', who);
    const response = await request(await serve(app)).get('/');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(response.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
  });

  it('warns once and answers 401 when a guard runs outside the plugin context', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const app = Fastify();
    app.get('/', { preHandler: requireScopes('read') }, who);
    const url = await serve(app);
    for (let i = 0; i < 2; i++) {
      const response = await request(url).get('/');
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
