import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthContext, GatehouseConfigError } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import Koa from 'koa';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { type AuthenticatedContext, getAuth, requireAnyScope, requireAuth } from '../src/index.js';

let issuer: TestIssuer;
let base: { issuer: string; audience: string };
const servers: { close(): void; closeAllConnections(): void }[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer();
  base = { issuer: issuer.url, audience: issuer.audience };
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await issuer.close();
});

async function serve(app: Koa): Promise<string> {
  const server = createServer(app.callback());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('@gatehouse/koa', () => {
  it('refuses bad options when the middleware is built, not at the first request', () => {
    expect(() => requireAuth({ ...base, errors: 'quiet' } as never)).toThrow(GatehouseConfigError);
    expect(() => requireAnyScope('has space')).toThrow(GatehouseConfigError);
  });

  it('types ctx.state.auth without casts', async () => {
    const app = new Koa();
    app.use(requireAuth({ ...base, resolveUser: () => ({ name: 'Ada' }) }));
    app.use((ctx) => {
      expectTypeOf(ctx.state.auth).toEqualTypeOf<AuthContext | undefined>();
      const auth = getAuth<{ name: string }>(ctx);
      expectTypeOf(auth).toEqualTypeOf<AuthContext<{ name: string }> | undefined>();
      ctx.body = { sub: ctx.state.auth?.subject, name: auth?.user?.name };
    });
    const typed = (ctx: AuthenticatedContext<{ id: number }>) => ctx.state.auth.user?.id;
    expectTypeOf(typed).returns.toEqualTypeOf<number | undefined>();
    const response = await request(await serve(app))
      .get('/')
      .set('Authorization', `Bearer ${await issuer.mint()}`);
    expect(response.body).toEqual({ sub: 'user-123', name: 'Ada' });
  });

  it("errors: 'delegate' without error middleware: Koa's default handler keeps status and challenge", async () => {
    const app = new Koa();
    app.silent = true;
    app.use(requireAuth({ ...base, errors: 'delegate', realm: 'api' }));
    const response = await request(await serve(app)).get('/');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(response.headers['cache-control']).toBe('no-store');
    const expired = await request(await serve(app))
      .get('/')
      .set('Authorization', `Bearer ${await issuer.mint({}, { expiresIn: -60 })}`);
    expect(expired.status).toBe(401);
    expect(expired.headers['www-authenticate']).toMatch(
      /^Bearer realm="api", error="invalid_token"/,
    );
  });

  it('warns once and answers 401 when a guard runs without requireAuth', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const app = new Koa();
    app.use(requireAnyScope('read'));
    app.use((ctx) => {
      ctx.body = { reached: true };
    });
    const url = await serve(app);
    for (let i = 0; i < 2; i++) {
      const response = await request(url).get('/');
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('unauthorized');
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain('requireAnyScope() ran before requireAuth()');
  });
});
