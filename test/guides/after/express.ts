import { requireAuth, requireScopes } from '@gatehouse/express';
import express, { type Express } from 'express';

export function ordersApi(issuer: string, audience: string): Express {
  const app = express();
  app.use(requireAuth({ issuer, audience }));
  app.get('/orders', requireScopes('read:orders'), (req, res) => {
    res.json({ sub: req.auth?.subject });
  });
  return app;
}
