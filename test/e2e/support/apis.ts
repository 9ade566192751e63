import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthContext, VerifierOptions } from '@gatehouse/core';
import * as gatehouseExpress from '@gatehouse/express';
import * as gatehouseFastify from '@gatehouse/fastify';
import * as gatehouseKoa from '@gatehouse/koa';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';

export const FRAMEWORKS = ['express', 'koa', 'fastify'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/**
 * The same tiny API in each framework, on 127.0.0.1 port 0, every route behind Gatehouse:
 * `GET /whoami` (any valid token) and `GET /protected` (needs `scope`).
 */
export interface RunningApi {
  framework: Framework;
  url: string;
  close(): Promise<void>;
}

/** What `/whoami` answers: what Gatehouse made of the token. */
export interface WhoAmI {
  issuer: string;
  subject: string | null;
  clientId: string | null;
  scopes: string[];
}

const whoami = (auth: AuthContext | null | undefined): WhoAmI => ({
  issuer: auth?.issuer ?? '',
  subject: auth?.subject ?? null,
  clientId: auth?.clientId ?? null,
  scopes: [...(auth?.scopes ?? [])],
});

async function listening(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closing = (server: Server) => () =>
  new Promise<void>((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error ? reject(error) : resolve()));
  });

async function startExpress(options: VerifierOptions, scope: string): Promise<RunningApi> {
  const app = express();
  app.use(gatehouseExpress.requireAuth(options));
  app.get('/whoami', (req, res) => {
    res.json(whoami(req.auth));
  });
  app.get('/protected', gatehouseExpress.requireScopes(scope), (req, res) => {
    res.json(whoami(req.auth));
  });
  const server = app.listen(0, '127.0.0.1');
  return { framework: 'express', url: await listening(server), close: closing(server) };
}

async function startKoa(options: VerifierOptions, scope: string): Promise<RunningApi> {
  const app = new Koa();
  const guard = gatehouseKoa.requireScopes(scope);
  app.use(gatehouseKoa.requireAuth(options));
  // Two routes need no router (and @koa/router ships no types at the root).
  app.use(async (ctx, next) => {
    if (ctx.method !== 'GET') return next();
    if (ctx.path === '/whoami') ctx.body = whoami(ctx.state.auth);
    if (ctx.path === '/protected') {
      await guard(ctx, async () => {
        ctx.body = whoami(ctx.state.auth);
      });
    }
  });
  const server = app.listen(0, '127.0.0.1');
  return { framework: 'koa', url: await listening(server), close: closing(server) };
}

async function startFastify(options: VerifierOptions, scope: string): Promise<RunningApi> {
  const app = Fastify();
  await app.register(gatehouseFastify.gatehouse, options);
  app.get('/whoami', async (request) => whoami(request.auth));
  app.get('/protected', { preHandler: gatehouseFastify.requireScopes(scope) }, async (request) =>
    whoami(request.auth),
  );
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { framework: 'fastify', url, close: () => app.close() };
}

/**
 * Starts the three APIs with the same verifier options. Each adapter builds its own verifier;
 * the JWKS cache is per issuer (and key-fetch settings) and shared by the process, as in a real
 * multi-API service. `perFramework` adds options to one API: different `keyFetch` settings give
 * it a key store of its own.
 */
export async function startApis(
  options: VerifierOptions,
  scope: string,
  perFramework: Partial<Record<Framework, Partial<VerifierOptions>>> = {},
): Promise<Record<Framework, RunningApi>> {
  const of = (framework: Framework) => ({ ...options, ...perFramework[framework] });
  const [expressApi, koaApi, fastifyApi] = await Promise.all([
    startExpress(of('express'), scope),
    startKoa(of('koa'), scope),
    startFastify(of('fastify'), scope),
  ]);
  return { express: expressApi, koa: koaApi, fastify: fastifyApi };
}

export async function closeApis(apis: Partial<Record<Framework, RunningApi>>): Promise<void> {
  await Promise.all(Object.values(apis).map((api) => api?.close()));
}

/** A GET with an optional bearer token, answered as status, challenge and JSON body. */
export async function call(
  api: RunningApi,
  path: string,
  token?: string,
): Promise<{ status: number; challenge: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${api.url}${path}`, {
    headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
  });
  const text = await response.text();
  return {
    status: response.status,
    challenge: response.headers.get('www-authenticate'),
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}
