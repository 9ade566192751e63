import express from 'express';
import { auth, requiredScopes } from 'express-oauth2-jwt-bearer';

export function ordersApi(issuerBaseURL: string, audience: string) {
  const app = express();
  app.use(auth({ issuerBaseURL, audience }));
  app.get('/orders', requiredScopes('read:orders'), (req, res) => {
    res.json({ sub: req.auth?.payload.sub });
  });
  return app;
}
