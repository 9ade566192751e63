import fastifyJwt from '@fastify/jwt';
import Fastify, { type FastifyRequest } from 'fastify';
import buildGetJwks from 'get-jwks';
import { floorForHttp } from '../floor.js';
import type { ServerConfig, StartServer } from './server-config.js';

async function listen(app: ReturnType<typeof Fastify>): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Fastify 5 apps: bare, Gatehouse, and @fastify/jwt + get-jwks as their READMEs show. */
export const fastifyApps: Record<string, StartServer> = {
  fastify: async () => {
    const app = Fastify();
    app.get('/', async () => ({ sub: null }));
    return listen(app);
  },

  'fastify+no-op': async () => {
    const app = Fastify();
    app.decorateRequest('noOpAuth', null);
    app.addHook('onRequest', (request, _reply, done) => {
      (request as unknown as { noOpAuth: unknown }).noOpAuth = { subject: 'user-0' };
      done();
    });
    app.get('/', async (request) => ({
      sub: (request as unknown as { noOpAuth: { subject: string } }).noOpAuth.subject,
    }));
    return listen(app);
  },

  // The least any verifier must do (see floor.ts), in the no-op row's onRequest hook.
  'fastify+floor': async (config: ServerConfig) => {
    const check = await floorForHttp(config.jwksUri);
    const app = Fastify();
    app.decorateRequest('floorClaims', null);
    app.addHook('onRequest', (request, reply, done) => {
      const claims = check(request.headers.authorization);
      if (claims === undefined) {
        reply.code(401).send();
        return;
      }
      (request as unknown as { floorClaims: unknown }).floorClaims = claims;
      done();
    });
    app.get('/', async (request) => ({
      sub: (request as unknown as { floorClaims: { sub?: string } }).floorClaims.sub ?? null,
    }));
    return listen(app);
  },

  'fastify+gatehouse': async (config: ServerConfig) => {
    const { gatehouse } = await import('@gatehouse/fastify');
    const app = Fastify();
    await app.register(gatehouse, { issuer: config.issuer, audience: config.audience });
    app.get('/', async (request) => ({ sub: request.auth?.subject ?? null }));
    return listen(app);
  },

  // READMEs (@fastify/jwt "Verifying with JWKS" + get-jwks): the secret callback asks get-jwks
  // for the token's kid; discovery from the token's iss, restricted to our issuer. The iss/aud
  // checks are added so it does the same work as every other contender.
  'fastify+fastify-jwt': async (config: ServerConfig) => {
    const getJwks = buildGetJwks({ providerDiscovery: true, issuersWhitelist: [config.issuer] });
    const app = Fastify();
    await app.register(fastifyJwt, {
      decode: { complete: true },
      secret: (_request: FastifyRequest, token: unknown) => {
        const {
          header: { kid, alg },
          payload: { iss },
        } = token as { header: { kid: string; alg: string }; payload: { iss: string } };
        return getJwks.getPublicKey({ kid, domain: iss, alg });
      },
      verify: { allowedIss: config.issuer, allowedAud: config.audience, algorithms: ['RS256'] },
    });
    app.addHook('onRequest', async (request, reply) => {
      try {
        await request.jwtVerify();
      } catch (error) {
        reply.send(error);
      }
    });
    app.get('/', async (request) => ({ sub: (request.user as { sub?: string }).sub ?? null }));
    return listen(app);
  },
  // Diagnostic (`pnpm --filter @gatehouse/bench threads`), not a contender: the core verifier
  // alone in the floor's callback hook, to tell the core's cost inside a server from the
  // adapter's.
  'fastify+gatehouse-core': async (config: ServerConfig) => {
    const { createVerifier } = await import('@gatehouse/core');
    const verifier = createVerifier({ issuer: config.issuer, audience: config.audience });
    const app = Fastify();
    app.decorateRequest('coreAuth', null);
    app.addHook('onRequest', (request, reply, done) => {
      verifier.authenticate(request.headers.authorization).then(
        (auth) => {
          (request as unknown as { coreAuth: unknown }).coreAuth = auth;
          done();
        },
        () => reply.code(401).send(),
      );
    });
    app.get('/', async (request) => ({
      sub: (request as unknown as { coreAuth: { subject: string } }).coreAuth.subject,
    }));
    return listen(app);
  },
};
