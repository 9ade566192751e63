// Serves the Hono example on Node with @hono/node-server (Bun and Deno serve `app.fetch` as is).
// `pnpm start`, then run the printed curl lines.
import type { AddressInfo } from 'node:net';
import { createTestIssuer } from '@gatehouse/testing';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';

// Stands in for your authorization server; in production, pass its issuer URL instead.
const issuer = await createTestIssuer();
const app = createApp({ issuer: issuer.url, audience: issuer.audience });

const server = serve(
  { fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 0) },
  async (info: AddressInfo) => {
    const url = `http://127.0.0.1:${info.port}`;
    const token = await issuer.mint({ scope: 'reports:read' });
    const unscoped = await issuer.mint();
    console.log(`Hono example on ${url} (issuer ${issuer.url})`);
    console.log(`curl ${url}/health`);
    console.log(`curl -H "Authorization: Bearer ${token}" ${url}/api/reports`);
    console.log(`curl -H "Authorization: Bearer ${token}" ${url}/api/me`);
    console.log(`curl -i -H "Authorization: Bearer ${unscoped}" ${url}/api/reports   # 403`);
  },
);

process.once('SIGINT', () => {
  server.close();
  void issuer.close();
});
