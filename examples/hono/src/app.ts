// A small Hono API protected by Gatehouse: a public route, a protected route, a scope-gated
// route and a route using the mapped user. `server.ts` serves it; tests call `createApp` too.
import { type GatehouseEnv, requireAuth, requireScopes } from '@gatehouse/fetch/hono';
import { Hono } from 'hono';

export interface User {
  id: number;
  name: string;
}
const users = new Map<string, User>([['user-123', { id: 1, name: 'Ada Lovelace' }]]);

/** The app for one authorization server (`issuer`) and this API's `audience`. */
export function createApp(options: { issuer: string; audience: string }): Hono<GatehouseEnv<User>> {
  const app = new Hono<GatehouseEnv<User>>();

  app.get('/health', (c) => c.json({ ok: true }));

  app.use(
    '/api/*',
    requireAuth<User>({
      ...options,
      resolveUser: (auth) => users.get(auth.subject ?? '') ?? null,
    }),
  );
  app.get('/api/hello', (c) => c.json({ hello: c.get('auth')?.subject }));
  app.get('/api/reports', requireScopes('reports:read'), (c) => c.json({ reports: ['q1', 'q2'] }));
  app.get('/api/me', (c) => c.json({ me: c.get('auth')?.user }));

  return app;
}
