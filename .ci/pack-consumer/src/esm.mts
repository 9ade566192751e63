// ESM consumer of the packed packages (see .ci/pack-check): a token minted by
// @gatehouse/testing verified by the core and through each framework adapter (Express, Koa,
// Fastify, the fetch adapter and its Hono middleware, and a WebSocket upgrade).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier, isGatehouseError } from '@gatehouse/core';
import { requireAuth as expressAuth, requireScopes } from '@gatehouse/express';
import { gatehouse } from '@gatehouse/fastify';
import { requireAuth as fetchAuth, withAuth } from '@gatehouse/fetch';
import * as honoGatehouse from '@gatehouse/fetch/hono';
import { requireAuth as koaAuth } from '@gatehouse/koa';
import { createTestIssuer } from '@gatehouse/testing';
import { requireAuth as upgradeAuth } from '@gatehouse/websocket';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';

const issuer = await createTestIssuer();
const options = { issuer: issuer.url, audience: issuer.audience };
const token = await issuer.mint({ sub: 'alice', scope: 'reports:read' });

const auth = await createVerifier(options).verify(token);
assert.equal(auth.subject, 'alice');
await assert.rejects(createVerifier(options).verify(`${token}x`), isGatehouseError);

async function check(url: string): Promise<void> {
  const ok = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { sub: 'alice' });
  const anonymous = await fetch(url);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
}

const expressApp = express().get(
  '/me',
  expressAuth(options),
  requireScopes('reports:read'),
  (req, res) => {
    res.json({ sub: req.auth?.subject });
  },
);
const koaApp = new Koa().use(koaAuth(options)).use((ctx) => {
  ctx.body = { sub: ctx.state.auth?.subject };
});
for (const app of [expressApp, koaApp.callback()]) {
  const server = (await import('node:http')).createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  await check(`http://127.0.0.1:${(server.address() as AddressInfo).port}/me`);
  server.close();
}

const fastify = Fastify();
await fastify.register(gatehouse, options);
fastify.get('/me', async (request) => ({ sub: request.auth?.subject }));
await check(await fastify.listen({ port: 0, host: '127.0.0.1' }).then((url) => `${url}/me`));
await fastify.close();

// The Web-standard adapter, called as a fetch server calls it (no HTTP needed), and Hono.
const handler = withAuth(fetchAuth(options), (_request, auth) =>
  Response.json({ sub: auth?.subject }),
);
const fetched = await handler(
  new Request('http://api.test/me', { headers: { authorization: `Bearer ${token}` } }),
);
assert.deepEqual(await fetched.json(), { sub: 'alice' });
assert.equal((await handler(new Request('http://api.test/me'))).status, 401);
const hono = new Hono<honoGatehouse.GatehouseEnv>()
  .use(honoGatehouse.requireAuth(options))
  .get('/me', (c) => c.json({ sub: c.get('auth')?.subject }));
const honoOk = await hono.request('/me', { headers: { authorization: `Bearer ${token}` } });
assert.deepEqual(await honoOk.json(), { sub: 'alice' });
assert.equal((await hono.request('/me')).status, 401);

// A WebSocket upgrade without a token is refused with a real HTTP 401 before any socket opens.
const upgrades = upgradeAuth(options);
const wsServer = createServer().listen(0, '127.0.0.1');
wsServer.on('upgrade', (request, socket) => {
  void upgrades.upgrade(request, socket);
});
await once(wsServer, 'listening');
const refused = request(`http://127.0.0.1:${(wsServer.address() as AddressInfo).port}/chat`, {
  headers: { connection: 'Upgrade', upgrade: 'websocket' },
}).end();
const [response] = (await once(refused, 'response')) as [IncomingMessage];
response.resume();
wsServer.close();
assert.equal(response.statusCode, 401);
assert.equal(response.headers['www-authenticate'], 'Bearer');

await issuer.close();
console.log(
  'ESM consumer: core, Express, Koa, Fastify, fetch, Hono and a WebSocket upgrade verified a token from @gatehouse/testing',
);
