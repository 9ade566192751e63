// The smallest real Koa app protected by Gatehouse: a public route, a protected route, a
// scope-gated route and a route using the mapped user. `server.ts` runs it; tests build it too.
import { getAuth, requireAuth, requireScopes } from '@gatehouse/koa';
import Router from '@koa/router';
import Koa from 'koa';

interface User {
  id: number;
  name: string;
}
const users = new Map<string, User>([['user-123', { id: 1, name: 'Ada Lovelace' }]]);

/** Where the tokens come from: your authorization server's issuer URL and this API's audience. */
export interface AppOptions {
  issuer: string;
  audience: string;
}

export function createApp({ issuer, audience }: AppOptions): Koa {
  const app = new Koa();
  const router = new Router();

  router.get('/health', (ctx) => {
    ctx.body = { ok: true };
  });

  const api = new Router({ prefix: '/api' });
  api.use(
    requireAuth({
      issuer,
      audience,
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
  return app;
}
