import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requireAuth as expressAuth } from '@gatehouse/express';
import { gatehouse } from '@gatehouse/fastify';
import { requireAuth as koaAuth } from '@gatehouse/koa';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import express from 'express';
import fc from 'fast-check';
import Fastify from 'fastify';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byteString, fuzzParameters } from '../../packages/core/test/fuzz/settings.js';
import { rawStatus } from './raw-request.js';

// HTTP-level fuzzing (issue 10 §4) through real adapter servers: whatever bytes the
// Authorization header holds, the answer is 400/401/403/431/503 (Node's own parser answers 400
// or 431 before any middleware for some), never 200 for a changed token, never 500, never a hang.

const REFUSALS = new Set([400, 401, 403, 431, 503]);
let issuer: TestIssuer;
let genuine: string;
const servers: { name: string; port: number; close(): Promise<unknown> }[] = [];

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  issuer = await createTestIssuer();
  genuine = await issuer.mint();
  const options = { issuer: issuer.url, audience: issuer.audience };
  const expressApp = express().use(expressAuth(options), (_req, res) => {
    res.json({ ok: true });
  });
  const expressServer = createServer(expressApp);
  servers.push({
    name: 'express',
    port: await listen(expressServer),
    close: async () => expressServer.close(),
  });
  const koaApp = new Koa().use(koaAuth(options)).use((ctx) => {
    ctx.body = { ok: true };
  });
  const koaServer = createServer(koaApp.callback());
  servers.push({
    name: 'koa',
    port: await listen(koaServer),
    close: async () => koaServer.close(),
  });
  const fastify = Fastify();
  await fastify.register(gatehouse, options);
  fastify.get('/p', async () => ({ ok: true }));
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  servers.push({
    name: 'fastify',
    port: (fastify.server.address() as AddressInfo).port,
    close: () => fastify.close(),
  });
  // Warm and cache the genuine token everywhere.
  for (const { port } of servers) {
    for (let i = 0; i < 3; i++) expect(await rawStatus(port, '/p', `Bearer ${genuine}`)).toBe(200);
  }
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await issuer?.close();
});

const server = fc.nat().map((i) => servers[i % servers.length]!);

describe('fuzzing the adapters over HTTP', () => {
  it('any Authorization bytes (up to 16 KiB) → 400/401/403/431/503, never 500', async () => {
    const header = fc.oneof(
      byteString(128),
      byteString(16 * 1024, 8 * 1024),
      byteString(256).map((rest) => `Bearer ${rest}`),
    );
    await fc.assert(
      fc.asyncProperty(server, header, async ({ port }, value) => {
        const status = await rawStatus(port, '/p', value);
        expect(REFUSALS.has(status), `status ${status}`).toBe(true);
      }),
      fuzzParameters(400),
    );
  }, 40_000);

  it('a genuine token changed at one position → 400/401/503, never 200, never 500', async () => {
    const mutated = fc.tuple(fc.nat(), fc.integer({ min: 0x21, max: 0x7e })).map(([at, code]) => {
      const i = at % genuine.length;
      const char = String.fromCharCode(
        code === genuine.charCodeAt(i) ? (code === 0x7e ? 0x21 : code + 1) : code,
      );
      return genuine.slice(0, i) + char + genuine.slice(i + 1);
    });
    await fc.assert(
      fc.asyncProperty(server, mutated, async ({ port }, token) => {
        const status = await rawStatus(port, '/p', `Bearer ${token}`);
        // 503 too: a changed header may name a kid the issuer does not publish, which within the
        // key refetch cooldown is "retry later" rather than 401.
        expect([400, 401, 503]).toContain(status);
      }),
      fuzzParameters(400),
    );
    for (const { port } of servers)
      expect(await rawStatus(port, '/p', `Bearer ${genuine}`)).toBe(200);
  }, 40_000);
});
