// The smallest real Fastify app protected by Gatehouse: a public route, a protected route, a
// scope-gated route and a route using the mapped user. `pnpm start`, then run the printed curl.
import { gatehouse, getAuth, requireScopes } from '@gatehouse/fastify';
import { createTestIssuer } from '@gatehouse/testing';
import Fastify from 'fastify';

interface User {
  id: number;
  name: string;
}
const users = new Map<string, User>([['user-123', { id: 1, name: 'Ada Lovelace' }]]);

// Stands in for your authorization server; in production, pass its issuer URL instead.
const issuer = await createTestIssuer();

const app = Fastify();

app.get('/health', async () => ({ ok: true }));

// The plugin protects the context it is registered in: only the routes of this one.
await app.register(
  async (api) => {
    await api.register(gatehouse, {
      issuer: issuer.url,
      audience: issuer.audience,
      resolveUser: (auth) => users.get(auth.subject ?? '') ?? null,
    });

    api.get('/hello', async (request) => ({ hello: request.auth?.subject }));

    api.get('/reports', { preHandler: requireScopes('reports:read') }, async () => ({
      reports: ['q1', 'q2'],
    }));

    api.get('/me', async (request) => ({ me: getAuth<User>(request)?.user }));
  },
  { prefix: '/api' },
);

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
