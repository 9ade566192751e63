import { gatehouse, requireScopes } from '@gatehouse/fastify';
import Fastify from 'fastify';

export function ordersApi(issuer: string, audience: string) {
  const app = Fastify();
  app.register(gatehouse, { issuer, audience });
  app.get('/orders', { preHandler: requireScopes('read:orders') }, async (request) => ({
    sub: request.auth?.subject,
  }));
  return app;
}
