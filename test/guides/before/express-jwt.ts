import express from 'express';
import { expressjwt, type GetVerificationKey, type Request } from 'express-jwt';
import jwksRsa from 'jwks-rsa';

export function ordersApi(issuer: string, audience: string, jwksUri: string) {
  const app = express();
  app.use(
    expressjwt({
      secret: jwksRsa.expressJwtSecret({
        jwksUri,
        cache: true,
        rateLimit: true,
      }) as GetVerificationKey,
      issuer,
      audience,
      algorithms: ['RS256'],
    }),
  );
  app.get('/orders', (req: Request, res) => {
    const scopes = String(req.auth?.scope ?? '').split(' ');
    if (!scopes.includes('read:orders')) {
      res.status(403).json({ error: 'insufficient_scope' });
      return;
    }
    res.json({ sub: req.auth?.sub });
  });
  app.use(((err, _req, res, next) => {
    if (err.name !== 'UnauthorizedError') return next(err);
    res.status(401).json({ error: err.code });
  }) as express.ErrorRequestHandler);
  return app;
}
