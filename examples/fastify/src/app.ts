// The smallest real Fastify app protected by Gatehouse: a public route, a protected route, a
// scope-gated route and a route using the mapped user. `server.ts` runs it; tests build it too.
import { gatehouse, getAuth, requireScopes } from '@gatehouse/fastify';
import Fastify, { type FastifyInstance } from 'fastify';

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

export async function createApp({ issuer, audience }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify();

  app.get('/health', async () => ({ ok: true }));

  // The plugin protects the context it is registered in: only the routes of this one.
  await app.register(
    async (api) => {
      await api.register(gatehouse, {
        issuer,
        audience,
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
  return app;
}
