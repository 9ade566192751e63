import type { VerifierOptions } from '@gatehouse/core';
import { requireAuth, requireRoles, requireScopes } from '@gatehouse/express';
import express, { type Express } from 'express';

export function ordersApi(options: VerifierOptions): Express {
  const app = express();
  app.use('/orders', requireAuth(options));
  app.get('/orders', requireScopes('orders:read'), (req, res) => {
    res.json({ caller: req.auth?.subject, roles: req.auth?.roles });
  });
  app.delete('/orders/:id', requireRoles('admin'), (_req, res) => {
    res.status(204).end();
  });
  return app;
}
