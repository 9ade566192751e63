import { type AuthContext, GatehouseConfigError } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { type GatehouseEnv, getAuth, requireAuth, requireScopes } from '../src/hono.js';

let issuer: TestIssuer;
let base: { issuer: string; audience: string };

beforeAll(async () => {
  issuer = await createTestIssuer();
  base = { issuer: issuer.url, audience: issuer.audience };
});
afterAll(async () => {
  await issuer.close();
});

// `app.request()` runs Hono's real dispatch (middleware, router, onError) on a Web Request;
// the behaviour table covers the same middleware behind @hono/node-server over HTTP.
describe('@gatehouse/fetch/hono', () => {
  it('refuses bad options when the middleware is built', () => {
    expect(() => requireAuth({ ...base, optional: 'yes' } as never)).toThrow(GatehouseConfigError);
  });

  it("types c.get('auth') through GatehouseEnv, and getAuth without it", async () => {
    type User = { name: string };
    const app = new Hono<GatehouseEnv<User>>();
    app.use('/api/*', requireAuth<User>({ ...base, resolveUser: () => ({ name: 'Ada' }) }));
    app.get('/api/me', requireScopes('read'), (c) => {
      const auth = c.get('auth');
      expectTypeOf(auth).toEqualTypeOf<AuthContext<User> | undefined>();
      return c.json({ sub: auth?.subject, name: auth?.user?.name });
    });
    const plain = new Hono();
    plain.use(requireAuth(base));
    plain.get('/', (c) => c.json({ sub: getAuth(c)?.subject ?? null }));

    const token = await issuer.mint({ scope: 'read' });
    const ok = await app.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
    expect(await ok.json()).toEqual({ sub: 'user-123', name: 'Ada' });
    const viaGetAuth = await plain.request('/', { headers: { authorization: `Bearer ${token}` } });
    expect(await viaGetAuth.json()).toEqual({ sub: 'user-123' });
    const refused = await app.request('/api/me', {
      headers: { authorization: `Bearer ${await issuer.mint({ scope: 'other' })}` },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
  });

  it("errors: 'delegate' reaches app.onError with the challenge headers already set", async () => {
    const app = new Hono();
    app.use(requireAuth({ ...base, realm: 'api', errors: 'delegate' }));
    app.get('/', (c) => c.text('never'));
    app.onError((error, c) => c.text(`custom: ${(error as { code?: string }).code}`, 401));
    const response = await app.request('/');
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('custom: unauthorized');
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
