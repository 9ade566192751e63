// The smallest real Express app protected by Gatehouse: a public route, a protected route, a
// scope-gated route and a route using the mapped user. `pnpm start`, then run the printed curl.
import { getAuth, requireAuth, requireScopes } from '@gatehouse/express';
import { createTestIssuer } from '@gatehouse/testing';
import express from 'express';

interface User {
  id: number;
  name: string;
}
const users = new Map<string, User>([['user-123', { id: 1, name: 'Ada Lovelace' }]]);

// Stands in for your authorization server; in production, pass its issuer URL instead.
const issuer = await createTestIssuer();

const app = express();

app.get('/health', (_req, res) => {
  res.json({ ok: true });
});

app.use(
  '/api',
  requireAuth({
    issuer: issuer.url,
    audience: issuer.audience,
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

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', async () => {
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : ''}`;
  const token = await issuer.mint({ scope: 'reports:read' });
  const unscoped = await issuer.mint();
  console.log(`Express example on ${url} (issuer ${issuer.url})`);
  console.log(`curl ${url}/health`);
  console.log(`curl -H "Authorization: Bearer ${token}" ${url}/api/reports`);
  console.log(`curl -H "Authorization: Bearer ${token}" ${url}/api/me`);
  console.log(`curl -i -H "Authorization: Bearer ${unscoped}" ${url}/api/reports   # 403`);
});

process.once('SIGINT', () => {
  server.close();
  void issuer.close();
});
