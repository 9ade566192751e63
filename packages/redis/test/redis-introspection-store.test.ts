import { randomUUID } from 'node:crypto';
import { createVerifier, type IntrospectionOptions } from '@gatehouse/core';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type IntrospectionServer,
  startIntrospectionServer,
} from '../../core/test/support/introspection-endpoint.js';
import { createRedisStore, type RedisStore } from '../src/index.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';

// The Redis store as the introspection cache shared by several instances of an API.
const AUDIENCE = 'https://api.example.test';
const now = () => Math.floor(Date.now() / 1000);

let server: RedisServer;
let store: RedisStore;
let probe: Redis;
let as: IntrospectionServer;
let prefix: string;
beforeAll(async () => {
  server = await startRedisServer();
  probe = new Redis(server.url);
});
afterAll(async () => {
  probe?.disconnect();
  await server?.stop();
});
beforeEach(async () => {
  as = await startIntrospectionServer();
  as.answer = () => ({
    body: { active: true, iss: as.issuer, aud: AUDIENCE, sub: 'ada', exp: now() + 600 },
  });
  prefix = `test-${randomUUID()}:`;
  store = createRedisStore({ url: server.url, prefix });
  await store.ready();
});
afterEach(async () => {
  await Promise.all([store.close(), as.close()]);
});

/** One instance of the API: its own verifier, the shared Redis cache. */
const instance = (cache: IntrospectionOptions['cache'] = { store }) =>
  createVerifier({
    issuer: {
      issuer: as.issuer,
      introspection: { endpoint: as.endpoint, clientId: 'rs', clientSecret: 's', cache },
    },
    audience: AUDIENCE,
  });

describe('createRedisStore as introspection.cache.store', () => {
  it('two instances, one call: the second reads the first one’s answer from Redis', async () => {
    const token = `opaque-${Date.now()}`;
    await expect(instance().verify(token)).resolves.toMatchObject({ subject: 'ada' });
    await expect(instance().verify(token)).resolves.toMatchObject({ subject: 'ada' });
    expect(as.received).toHaveLength(1);
    const keys = await probe.keys(`${prefix}introspection:*`);
    expect(keys.length).toBeGreaterThan(0);
    // Only digests and the answer: the token itself is nowhere in Redis.
    for (const key of keys) {
      expect(key).not.toContain(token);
      expect(await probe.get(key)).not.toContain(token);
    }
  });

  it('entries expire with the answer, within cache.maxTtl', async () => {
    await instance({ store, maxTtl: 20 }).verify('opaque-ttl');
    const [key] = await probe.keys(`${prefix}introspection:*`);
    const ttl = await probe.pttl(key as string);
    expect(ttl).toBeGreaterThan(15_000);
    expect(ttl).toBeLessThanOrEqual(20_000);
  });

  it('active: false is shared too, and refused by every instance', async () => {
    as.answer = () => ({ body: { active: false } });
    await expect(instance().verify('opaque-dead')).rejects.toMatchObject({
      reason: 'token_inactive',
    });
    await expect(instance().verify('opaque-dead')).rejects.toMatchObject({
      reason: 'token_inactive',
    });
    expect(as.received).toHaveLength(1);
  });

  it.each([
    ['not JSON', 'not json'],
    ['no active', '{"claims":{}}'],
    ['active: "true"', '{"active":"true","claims":{}}'],
    [
      'a malformed member',
      '{"active":true,"claims":{"exp":"soon","aud":"https://api.example.test"}}',
    ],
  ])('an entry that is %s is a miss: the endpoint is asked', async (_, value) => {
    const token = 'opaque-tampered';
    await instance().verify(token);
    const [key] = await probe.keys(`${prefix}introspection:*`);
    await probe.set(key as string, value, 'PX', 10_000);
    await expect(instance().verify(token)).resolves.toMatchObject({ subject: 'ada' });
    expect(as.received).toHaveLength(2);
  });

  it('a hung Redis is a miss, not an outage: the endpoint answers', async () => {
    const verifier = instance({ store: createRedisStore({ url: server.url, timeout: 0.2 }) });
    server.pause();
    try {
      await expect(verifier.verify('opaque-hung')).resolves.toMatchObject({ subject: 'ada' });
    } finally {
      server.resume();
    }
    expect(as.received).toHaveLength(1);
  });
});
