// Runs the Fastify example: `pnpm start`, then run the printed curl commands.
import { createTestIssuer } from '@gatehouse/testing';
import { createApp } from './app.js';

// Stands in for your authorization server; in production, pass its issuer URL instead.
const issuer = await createTestIssuer();
const app = await createApp({ issuer: issuer.url, audience: issuer.audience });

const url = await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
const token = await issuer.mint({ scope: 'reports:read' });
const unscoped = await issuer.mint();
console.log(`Fastify example on ${url} (issuer ${issuer.url})`);
console.log(`curl ${url}/health`);
console.log(`curl -H "Authorization: Bearer ${token}" ${url}/api/reports`);
console.log(`curl -H "Authorization: Bearer ${token}" ${url}/api/me`);
console.log(`curl -i -H "Authorization: Bearer ${unscoped}" ${url}/api/reports   # 403`);

process.once('SIGINT', () => {
  void app.close().then(() => issuer.close());
});
