import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { koaJwtSecret } from 'jwks-rsa';
import Koa from 'koa';
import koaJwt from 'koa-jwt';
import { floorForHttp } from '../floor.js';
import type { ServerConfig, StartServer } from './server-config.js';

function listen(app: Koa): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer(app.callback());
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** The protected GET /: answers with the subject the auth middleware left on ctx.state. */
function subjectRoute(read: (state: Koa.DefaultState) => string | undefined): Koa.Middleware {
  return (ctx) => {
    if (ctx.method !== 'GET' || ctx.path !== '/') return;
    ctx.body = { sub: read(ctx.state) ?? null };
  };
}

/** Koa 3 apps: bare, Gatehouse, and koa-jwt + jwks-rsa as their READMEs show. */
export const koaApps: Record<string, StartServer> = {
  koa: async () => {
    const app = new Koa();
    app.use(subjectRoute(() => undefined));
    return listen(app);
  },

  'koa+no-op': async () => {
    const app = new Koa();
    app.use((ctx, next) => {
      ctx.state.auth = { subject: 'user-0' } as never;
      return next();
    });
    app.use(subjectRoute((state) => state.auth?.subject));
    return listen(app);
  },

  // The least any verifier must do (see floor.ts), in the no-op row's middleware.
  'koa+floor': async (config: ServerConfig) => {
    const check = await floorForHttp(config.jwksUri);
    const app = new Koa();
    app.use((ctx, next) => {
      const claims = check(ctx.req.headers.authorization);
      if (claims === undefined) {
        ctx.status = 401;
        return;
      }
      ctx.state.user = claims;
      return next();
    });
    app.use(subjectRoute((state) => state.user?.sub));
    return listen(app);
  },

  'koa+gatehouse': async (config: ServerConfig) => {
    const { requireAuth } = await import('@gatehouse/koa');
    const app = new Koa();
    app.use(requireAuth({ issuer: config.issuer, audience: config.audience }));
    app.use(subjectRoute((state) => state.auth?.subject));
    return listen(app);
  },

  // README (koa-jwt + jwks-rsa): koaJwtSecret({ jwksUri, cache, cacheMaxEntries, cacheMaxAge }).
  'koa+koa-jwt': async (config: ServerConfig) => {
    const app = new Koa();
    app.use(
      koaJwt({
        secret: koaJwtSecret({
          jwksUri: config.jwksUri,
          cache: true,
          cacheMaxEntries: 5,
          cacheMaxAge: 36_000_000,
        }),
        audience: config.audience,
        issuer: config.issuer,
        algorithms: ['RS256'],
      }),
    );
    app.use(subjectRoute((state) => state.user?.sub));
    return listen(app);
  },
};
