import { Writable } from 'node:stream';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatehouse } from '../src/index.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

describe('@gatehouse/fastify: logger: app.log', () => {
  it("logs an untrusted issuer through Fastify's own pino logger, pino-style", async () => {
    const records: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        records.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const app = Fastify({ logger: { level: 'warn', stream } });
    try {
      const configured = issuer.url.replace('127.0.0.1', 'localhost');
      await app.register(gatehouse, {
        issuer: configured,
        audience: issuer.audience,
        logger: app.log,
      });
      app.get('/me', async () => ({ ok: true }));
      const token = await issuer.mint();
      const answer = await app.inject({
        url: '/me',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(answer.statusCode).toBe(401);
      const line = records.find((record) => record['event'] === 'gatehouse.issuer_mismatch');
      expect(line).toMatchObject({
        level: 40,
        tokenIssuer: issuer.url,
        expectedIssuers: [configured],
        msg: expect.stringContaining('only in the host name'),
      });
      expect(JSON.stringify(records)).not.toContain(token);
    } finally {
      await app.close();
    }
  });
});
