import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { expressjwt, type Request as JwtRequest } from 'express-jwt';
import { auth } from 'express-oauth2-jwt-bearer';
import { expressJwtSecret } from 'jwks-rsa';
import { type FloorOutcome, floorForHttp, offloadedFloorForHttp } from '../floor.js';
import type { ServerConfig, StartServer } from './server-config.js';

function listen(app: Express): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error?: Error) =>
      error ? reject(error) : resolve((server.address() as AddressInfo).port),
    );
  });
}

const NO_OP_AUTH = { subject: 'user-0' };

/** The floor's app: `check` in the no-op row's middleware, 401 when it refuses. */
function floorApp(
  check: (authorization: string | undefined) => FloorOutcome | Promise<FloorOutcome>,
): Promise<number> {
  const app = express();
  app.use((req, res, next) => {
    const proceed = (claims: FloorOutcome) => {
      if (claims === undefined) {
        res.status(401).end();
        return;
      }
      (req as unknown as { auth: unknown }).auth = claims;
      next();
    };
    const outcome = check(req.headers.authorization);
    if (outcome instanceof Promise) outcome.then(proceed, next);
    else proceed(outcome);
  });
  app.get('/', (req, res) => {
    res.json({ sub: (req as unknown as { auth: { sub?: string } }).auth.sub ?? null });
  });
  return listen(app);
}

/** Express 5 apps: bare, Gatehouse, and the peers configured as their READMEs show. */
export const expressApps: Record<string, StartServer> = {
  express: async () => {
    const app = express();
    app.get('/', (_req, res) => {
      res.json({ sub: null });
    });
    return listen(app);
  },

  'express+no-op': async () => {
    const app = express();
    app.use((req, _res, next) => {
      (req as unknown as { auth: unknown }).auth = NO_OP_AUTH;
      next();
    });
    app.get('/', (req, res) => {
      res.json({ sub: (req as unknown as { auth: typeof NO_OP_AUTH }).auth.subject });
    });
    return listen(app);
  },

  // The least any verifier must do (see floor.ts), in the no-op row's middleware.
  'express+floor': async (config: ServerConfig) => floorApp(await floorForHttp(config.jwksUri)),

  // The same with the signature checked on libuv's thread pool (see floor.ts).
  'express+floor-offload': async (config: ServerConfig) =>
    floorApp(await offloadedFloorForHttp(config.jwksUri)),

  'express+gatehouse': async (config: ServerConfig) => {
    const { getAuth, requireAuth } = await import('@gatehouse/express');
    const app = express();
    app.use(requireAuth({ issuer: config.issuer, audience: config.audience }));
    app.get('/', (req, res) => {
      res.json({ sub: getAuth(req)?.subject ?? null });
    });
    return listen(app);
  },

  // README: app.use(auth({ issuerBaseURL, audience })) — keys by OIDC discovery.
  'express+oauth2-jwt-bearer': async (config: ServerConfig) => {
    const app = express();
    app.use(auth({ issuerBaseURL: config.issuer, audience: config.audience }));
    app.get('/', (req, res) => {
      // Both this package and Gatehouse augment Express.Request with `auth` (different types).
      const { auth: result } = req as unknown as { auth?: { payload: { sub?: string } } };
      res.json({ sub: result?.payload.sub ?? null });
    });
    return listen(app);
  },

  // README (express-jwt + jwks-rsa): expressJwtSecret({ cache, rateLimit, jwksRequestsPerMinute, jwksUri }).
  'express+express-jwt': async (config: ServerConfig) => {
    const app = express();
    app.use(
      expressjwt({
        secret: expressJwtSecret({
          cache: true,
          rateLimit: true,
          jwksRequestsPerMinute: 5,
          jwksUri: config.jwksUri,
        }),
        audience: config.audience,
        issuer: config.issuer,
        algorithms: ['RS256'],
      }),
    );
    app.get('/', (req: JwtRequest, res) => {
      res.json({ sub: req.auth?.sub ?? null });
    });
    return listen(app);
  },
};
