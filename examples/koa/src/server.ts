// Runs the Koa example: `pnpm start`, then run the printed curl commands.
import type { AddressInfo } from 'node:net';
import { createTestIssuer } from '@gatehouse/testing';
import { createApp } from './app.js';

// Stands in for your authorization server; in production, pass its issuer URL instead.
const issuer = await createTestIssuer();
const app = createApp({ issuer: issuer.url, audience: issuer.audience });

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', async () => {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = await issuer.mint({ scope: 'reports:read' });
  const unscoped = await issuer.mint();
  console.log(`Koa example on ${url} (issuer ${issuer.url})`);
  console.log(`curl ${url}/health`);
  console.log(`curl -H "Authorization: Bearer ${token}" ${url}/api/reports`);
  console.log(`curl -H "Authorization: Bearer ${token}" ${url}/api/me`);
  console.log(`curl -i -H "Authorization: Bearer ${unscoped}" ${url}/api/reports   # 403`);
});

process.once('SIGINT', () => {
  server.close();
  void issuer.close();
});
