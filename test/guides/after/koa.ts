import { requireAuth, requireScopes } from '@gatehouse/koa';
import Koa from 'koa';

export function ordersApi(issuer: string, audience: string) {
  const app = new Koa();
  app.use(requireAuth({ issuer, audience }));
  app.use(requireScopes('read:orders'));
  app.use((ctx) => {
    ctx.body = { sub: ctx.state.auth?.subject };
  });
  return app;
}
