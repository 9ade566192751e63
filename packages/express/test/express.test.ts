import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthContext, createVerifier, GatehouseConfigError } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import express, { type Express, type Request } from 'express';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { getAuth, requireAuth, requireScopes } from '../src/index.js';

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

async function serve(app: Express): Promise<string> {
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('@gatehouse/express', () => {
  it('refuses bad options when the middleware is built, not at the first request', () => {
    expect(() => requireAuth({ ...base, clockTolerance: 'a while' })).toThrow(GatehouseConfigError);
    expect(() => requireAuth({ ...base, optional: 1 } as never)).toThrow(/optional/);
    expect(() => requireScopes()).toThrow(GatehouseConfigError);
  });

  it('types req.auth and getAuth without casts', async () => {
    const app = express();
    app.use(requireAuth({ verifier: createVerifier(base), resolveUser: () => ({ name: 'Ada' }) }));
    app.get('/', (req: Request, res) => {
      expectTypeOf(req.auth).toEqualTypeOf<AuthContext | undefined>();
      const auth = getAuth<{ name: string }>(req);
      expectTypeOf(auth).toEqualTypeOf<AuthContext<{ name: string }> | undefined>();
      res.json({ sub: req.auth?.subject, name: auth?.user?.name });
    });
    const response = await request(await serve(app))
      .get('/')
      .set('Authorization', `Bearer ${await issuer.mint()}`);
    expect(response.body).toEqual({ sub: 'user-123', name: 'Ada' });
  });

  it("errors: 'delegate' without an error handler: Express's default answer keeps status and challenge", async () => {
    const app = express();
    app.use(requireAuth({ ...base, errors: 'delegate', realm: 'api' }));
    app.get('/', (_req, res) => {
      res.json({});
    });
    const response = await request(await serve(app)).get('/');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(response.headers['content-type']).toMatch(/^text\/html/);
  });

  it('warns once and answers 401 when a guard runs without requireAuth', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const app = express();
    app.get('/', requireScopes('read'), (_req, res) => {
      res.json({ reached: true });
    });
    const url = await serve(app);
    const token = await issuer.mint({ scope: 'read' });
    for (let i = 0; i < 2; i++) {
      const response = await request(url).get('/').set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain('requireScopes() ran before requireAuth()');
  });
});
