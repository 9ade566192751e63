// ESM consumer of the packed packages (see .ci/pack-check): a token minted by
// @gatehouse/testing verified by the core and through each framework adapter.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createVerifier, isGatehouseError } from '@gatehouse/core';
import { requireAuth as expressAuth, requireScopes } from '@gatehouse/express';
import { gatehouse } from '@gatehouse/fastify';
import { requireAuth as koaAuth } from '@gatehouse/koa';
import { createTestIssuer } from '@gatehouse/testing';
import express from 'express';
import Fastify from 'fastify';
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

await issuer.close();
console.log(
  'ESM consumer: core, Express, Koa and Fastify verified a token from @gatehouse/testing',
);
