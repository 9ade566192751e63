import type { VerifierOptions } from '@gatehouse/core';
import { gatehouse, requireRoles, requireScopes } from '@gatehouse/fastify';
import Fastify from 'fastify';

export function ordersApi(options: VerifierOptions) {
  const app = Fastify();
  app.register(
    async (orders) => {
      await orders.register(gatehouse, options);
      orders.get('/', { preHandler: requireScopes('orders:read') }, async (request) => ({
        caller: request.auth?.subject,
        roles: request.auth?.roles,
      }));
      orders.delete('/:id', { preHandler: requireRoles('admin') }, async (_request, reply) =>
        reply.code(204).send(),
      );
    },
    { prefix: '/orders' },
  );
  return app;
}
