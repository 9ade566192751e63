import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';
import type { ServerConfig, StartServer } from './server-config.js';

// Hono 4 on @hono/node-server, the usual way to run Hono on Node.
// biome-ignore lint/suspicious/noExplicitAny: any app's Env
function listen(app: Hono<any>) {
  return new Promise<number>((resolve, reject) => {
    const server = createAdaptorServer({ fetch: app.fetch }) as Server;
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

const newApp = () => new Hono<{ Variables: { auth: { subject?: string } | undefined } }>();

/** Hono apps: bare, one no-op middleware, Gatehouse, and hono/jwk as Hono's docs show it. */
export const honoApps: Record<string, StartServer> = {
  hono: async () => {
    const app = newApp();
    app.get('/', (c) => c.json({ sub: null }));
    return listen(app);
  },

  'hono+no-op': async () => {
    const app = newApp();
    app.use(async (c, next) => {
      c.set('auth', { subject: 'user-0' });
      await next();
    });
    app.get('/', (c) => c.json({ sub: c.get('auth')?.subject ?? null }));
    return listen(app);
  },

  'hono+gatehouse': async (config: ServerConfig) => {
    const { requireAuth } = await import('@gatehouse/fetch/hono');
    const app = newApp();
    app.use(requireAuth({ issuer: config.issuer, audience: config.audience }));
    app.get('/', (c) => c.json({ sub: c.get('auth')?.subject ?? null }));
    return listen(app);
  },

  // Hono's docs: jwk({ jwks_uri, alg }); `verification` added so it checks iss and aud like the
  // others. It fetches jwks_uri on every request (no key cache), as documented.
  'hono+hono-jwk': async (config: ServerConfig) => {
    const { jwk } = await import('hono/jwk');
    const app = new Hono<{ Variables: { jwtPayload: { sub?: string } } }>();
    app.use(
      jwk({
        jwks_uri: config.jwksUri,
        alg: ['RS256'],
        verification: { iss: config.issuer, aud: config.audience, typ: 'at+jwt' },
      }),
    );
    app.get('/', (c) => c.json({ sub: c.get('jwtPayload').sub ?? null }));
    return listen(app);
  },
};
