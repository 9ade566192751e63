import { createServer } from 'node:http';
import { createProviderIssuer, type ProviderIssuer } from '@gatehouse/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ForwardProxy, startForwardProxy } from '../proxy/forward-proxy.js';
import { keycloakOptions } from './keycloak.js';
import { throughProxy } from './through-proxy.js';
import { ordersApi as expressApi } from './usage-express.js';
import { ordersApi as fastifyApi } from './usage-fastify.js';
import { ordersApi as koaApi } from './usage-koa.js';

// docs/providers/README.md, run: the same routes in Express, Koa and Fastify, with the Keycloak
// guide's options, fetching keys through a real proxy process (keyFetch.fetch).
let keycloak: ProviderIssuer;
let proxy: ForwardProxy;
beforeAll(async () => {
  [keycloak, proxy] = await Promise.all([createProviderIssuer('keycloak'), startForwardProxy()]);
});
afterAll(async () => {
  await Promise.all([keycloak?.close(), proxy?.close()]);
});

const options = () =>
  throughProxy(keycloakOptions({ realmUrl: keycloak.url, audience: keycloak.audience }), proxy.url);

type Target = Parameters<typeof request>[0];
const FRAMEWORKS: {
  name: string;
  start(): Promise<{ target: Target; close(): Promise<unknown> }>;
}[] = [
  {
    name: 'Express',
    start: async () => ({ target: createServer(expressApi(options())), close: async () => {} }),
  },
  {
    name: 'Koa',
    start: async () => ({
      target: createServer(koaApi(options()).callback()),
      close: async () => {},
    }),
  },
  {
    name: 'Fastify',
    start: async () => {
      const app = fastifyApi(options());
      await app.ready();
      return { target: app.server, close: () => app.close() };
    },
  },
];

describe.each(FRAMEWORKS)(
  '$name: the guide routes with the Keycloak options, through a proxy',
  ({ start }) => {
    let app: Awaited<ReturnType<(typeof FRAMEWORKS)[number]['start']>>;
    beforeAll(async () => {
      app = await start();
    });
    afterAll(() => app?.close());

    const send = (method: 'get' | 'delete', path: string, token: string) =>
      request(app.target)[method](path).set('Authorization', `Bearer ${token}`).timeout(10_000);

    it('a scope opens GET /orders, a realm role DELETE; keys came through the proxy', async () => {
      const before = proxy.requests.length;
      const reader = await keycloak.mint({ scopes: ['orders:read'] });
      const response = await send('get', '/orders', reader);
      expect(response.status).toBe(200);
      expect(response.body.roles).toEqual(['default-roles-acme', 'offline_access']);
      const admin = await keycloak.mint({ roles: ['admin'] });
      expect((await send('delete', '/orders/7', admin)).status).toBe(204);
      // Each app has its own fetch, hence its own key store: each fetched through the proxy (the
      // log line comes over the proxy's stdout, which may trail the answer).
      const host = new URL(keycloak.url).host;
      await vi.waitFor(() =>
        expect(proxy.requests.slice(before)).toContainEqual({
          method: 'CONNECT',
          target: host,
          auth: 'none',
        }),
      );
    });

    it('without them: 403, the role refusal naming the role', async () => {
      const nobody = await keycloak.mint();
      const scoped = await send('get', '/orders', nobody);
      expect(scoped.status).toBe(403);
      expect(scoped.headers['www-authenticate']).toMatch(/scope="orders:read"/);
      const role = await send('delete', '/orders/7', nobody);
      expect(role.status).toBe(403);
      expect(role.headers['www-authenticate']).toMatch(/error="insufficient_scope".*admin/);
      expect(role.headers['www-authenticate']).not.toMatch(/scope=/);
    });

    it("Keycloak's default aud: account → 401", async () => {
      const response = await send('get', '/orders', await keycloak.mintMistake());
      expect(response.status).toBe(401);
    });
  },
);
