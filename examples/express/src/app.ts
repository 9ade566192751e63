// The smallest real Express app protected by Gatehouse: a public route, a protected route, a
// scope-gated route and a route using the mapped user. `server.ts` runs it; tests build it too.
import { getAuth, requireAuth, requireScopes } from '@gatehouse/express';
import express, { type Express } from 'express';

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

export function createApp({ issuer, audience }: AppOptions): Express {
  const app = express();

  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });

  app.use(
    '/api',
    requireAuth({
      issuer,
      audience,
      resolveUser: (auth) => users.get(auth.subject ?? '') ?? null,
    }),
  );

  app.get('/api/hello', (req, res) => {
    res.json({ hello: req.auth?.subject });
  });

  app.get('/api/reports', requireScopes('reports:read'), (_req, res) => {
    res.json({ reports: ['q1', 'q2'] });
  });

  app.get('/api/me', (req, res) => {
    res.json({ me: getAuth<User>(req)?.user });
  });
  return app;
}
