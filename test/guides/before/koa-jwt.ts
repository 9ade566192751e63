import jwksRsa from 'jwks-rsa';
import Koa from 'koa';
import jwt from 'koa-jwt';

export function ordersApi(issuer: string, audience: string, jwksUri: string) {
  const app = new Koa();
  app.use(
    jwt({
      secret: jwksRsa.koaJwtSecret({ jwksUri, cache: true }),
      issuer,
      audience,
      algorithms: ['RS256'],
    }),
  );
  app.use((ctx) => {
    const scopes = String(ctx.state.user.scope ?? '').split(' ');
    if (!scopes.includes('read:orders')) ctx.throw(403, 'insufficient_scope');
    ctx.body = { sub: ctx.state.user.sub };
  });
  return app;
}
