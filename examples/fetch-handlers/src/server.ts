// Serves `handler.ts` on Node with @hono/node-server. `pnpm start`, then run the printed curls.
import type { AddressInfo } from 'node:net';
import { createTestIssuer } from '@gatehouse/testing';
import { serve } from '@hono/node-server';
import { createHandler } from './handler.js';

// Stands in for your authorization server; in production, pass its issuer URL instead.
const issuer = await createTestIssuer();
const fetch = createHandler({ issuer: issuer.url, audience: issuer.audience });

const server = serve(
  { fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 0) },
  async (info: AddressInfo) => {
    const url = `http://127.0.0.1:${info.port}`;
    const token = await issuer.mint({ scope: 'reports:read' });
    console.log(`fetch-handler example on ${url} (issuer ${issuer.url})`);
    console.log(`curl -H "Authorization: Bearer ${token}" ${url}/api/reports`);
    console.log(`curl -i ${url}/api/hello   # 401`);
  },
);

process.once('SIGINT', () => {
  server.close();
  void issuer.close();
});
