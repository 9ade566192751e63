import fastifyJwt, { type TokenOrHeader } from '@fastify/jwt';
import Fastify from 'fastify';
import buildGetJwks from 'get-jwks';

export function ordersApi(issuer: string, audience: string) {
  const getJwks = buildGetJwks({ issuersWhitelist: [issuer], providerDiscovery: true });
  const app = Fastify();
  app.register(fastifyJwt, {
    decode: { complete: true },
    secret: async (_request: unknown, token: TokenOrHeader) => {
      const { header, payload } = token as {
        header: { kid: string; alg: string };
        payload: { iss: string };
      };
      return getJwks.getPublicKey({ kid: header.kid, alg: header.alg, domain: payload.iss });
    },
    verify: { allowedIss: issuer, allowedAud: audience },
  });
  app.addHook('onRequest', (request) => request.jwtVerify());
  app.get('/orders', async (request, reply) => {
    const user = request.user as { sub: string; scope?: string };
    if (
      !String(user.scope ?? '')
        .split(' ')
        .includes('read:orders')
    ) {
      return reply.code(403).send({ error: 'insufficient_scope' });
    }
    return { sub: user.sub };
  });
  return app;
}
