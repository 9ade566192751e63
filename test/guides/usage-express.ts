import type { VerifierOptions } from '@gatehouse/core';
import { requireAuth, requireRoles, requireScopes } from '@gatehouse/express';
import express from 'express';

export function ordersApi(options: VerifierOptions) {
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
