// The smallest real Koa app protected by Gatehouse: a public route, a protected route, a
// scope-gated route and a route using the mapped user. `pnpm start`, then run the printed curl.
import type { AddressInfo } from 'node:net';
import { getAuth, requireAuth, requireScopes } from '@gatehouse/koa';
import { createTestIssuer } from '@gatehouse/testing';
import Router from '@koa/router';
import Koa from 'koa';

interface User {
  id: number;
  name: string;
}
const users = new Map<string, User>([['user-123', { id: 1, name: 'Ada Lovelace' }]]);

// Stands in for your authorization server; in production, pass its issuer URL instead.
const issuer = await createTestIssuer();

const app = new Koa();
const router = new Router();

router.get('/health', (ctx) => {
  ctx.body = { ok: true };
});

const api = new Router({ prefix: '/api' });
api.use(
  requireAuth({
    issuer: issuer.url,
    audience: issuer.audience,
    resolveUser: (auth) => users.get(auth.subject ?? '') ?? null,
  }),
);

api.get('/hello', (ctx) => {
  ctx.body = { hello: ctx.state.auth?.subject };
});

api.get('/reports', requireScopes('reports:read'), (ctx) => {
  ctx.body = { reports: ['q1', 'q2'] };
});

api.get('/me', (ctx) => {
  ctx.body = { me: getAuth<User>(ctx)?.user };
});

app.use(router.routes()).use(api.routes());

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
