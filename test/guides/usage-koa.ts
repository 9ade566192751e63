import type { VerifierOptions } from '@gatehouse/core';
import { requireAuth, requireRoles, requireScopes } from '@gatehouse/koa';
import Router from '@koa/router';
import Koa from 'koa';

export function ordersApi(options: VerifierOptions) {
  const router = new Router({ prefix: '/orders' });
  router.use(requireAuth(options));
  router.get('/', requireScopes('orders:read'), (ctx) => {
    ctx.body = { caller: ctx.state.auth?.subject, roles: ctx.state.auth?.roles };
  });
  router.delete('/:id', requireRoles('admin'), (ctx) => {
    ctx.status = 204;
  });
  return new Koa().use(router.routes());
}
