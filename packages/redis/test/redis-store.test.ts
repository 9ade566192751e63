import { randomUUID } from 'node:crypto';
import {
  createVerifier,
  GatehouseConfigError,
  type GatehouseError,
  toHttpResponse,
} from '@gatehouse/core';
import { createDpopKey, createTestIssuer, type DpopKey, type TestIssuer } from '@gatehouse/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeReplayStore } from '../../core/test/support/replay-store-suite.js';
import { createRedisStore, type RedisStore } from '../src/index.js';
import { type RedisServer, startRedisServer } from './support/redis-server.js';

let server: RedisServer;
beforeAll(async () => {
  server = await startRedisServer();
});
afterAll(async () => {
  await server?.stop();
});

describeReplayStore('redis (url: a connection of its own)', async () => {
  const store = createRedisStore({ url: server.url });
  await store.ready();
  return { store, close: () => store.close() };
});

describeReplayStore('redis (client: your own ioredis)', async () => {
  const client = new Redis(server.url, { commandTimeout: 500, enableOfflineQueue: false });
  await new Promise((resolve) => client.once('ready', resolve));
  return { store: createRedisStore({ client }), close: async () => void (await client.quit()) };
});

describe('createRedisStore', () => {
  it('is shared: a key used through one connection is used for every other', async () => {
    const a = createRedisStore({ url: server.url });
    const b = createRedisStore({ url: server.url });
    try {
      await Promise.all([a.ready(), b.ready()]);
      const k = `shared:${randomUUID()}`;
      expect(await a.useOnce(k, Date.now() + 10_000)).toBe(true);
      expect(await b.useOnce(k, Date.now() + 10_000)).toBe(false);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('writes expiring keys under its prefix only', async () => {
    const store = createRedisStore({ url: server.url, prefix: 'api-a:' });
    const probe = new Redis(server.url);
    try {
      await store.ready();
      const k = `dpop:${randomUUID()}`;
      await store.useOnce(k, Date.now() + 10_000);
      const ttl = await probe.pttl(`api-a:${k}`);
      expect(ttl).toBeGreaterThan(8_000);
      expect(ttl).toBeLessThanOrEqual(10_000);
    } finally {
      await store.close();
      await probe.quit();
    }
  });

  it('validates its options, naming the bad one', () => {
    expect(() => createRedisStore({ url: server.url, timeout: 0 })).toThrow(GatehouseConfigError);
    expect(() => createRedisStore({ url: server.url, timeout: 'soon' })).toThrow(/timeout/);
    expect(() => createRedisStore({ client: {} as never })).toThrow(/client/);
    expect(() => createRedisStore({} as never)).toThrow(/url: give either/);
  });
});

describe('the test Redis', () => {
  it('fails with the install line, rather than skipping, when redis-server is missing', async () => {
    await expect(startRedisServer('redis-server-that-is-not-installed')).rejects.toThrow(
      'apt-get install -y redis-server',
    );
  });
});

describe('createRedisStore: Redis down or slow → fails closed, within its timeout', () => {
  let own: RedisServer;
  let store: RedisStore;
  beforeAll(async () => {
    own = await startRedisServer();
    store = createRedisStore({ url: own.url, timeout: '300ms' });
    await store.ready();
  });
  afterAll(async () => {
    await store?.close();
    await own?.stop();
  });

  it('rejects while Redis is paused (no answer), then works again once it answers', async () => {
    own.pause();
    const started = performance.now();
    await expect(store.useOnce(`p:${randomUUID()}`, Date.now() + 10_000)).rejects.toThrow();
    const waited = performance.now() - started;
    own.resume();
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(3000);
    expect(await store.useOnce(`p:${randomUUID()}`, Date.now() + 10_000)).toBe(true);
  });

  it('rejects at once when Redis is gone', async () => {
    await own.stop();
    // Give ioredis a moment to notice the closed socket.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await expect(store.useOnce(`k:${randomUUID()}`, Date.now() + 10_000)).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('a DPoP-protected verifier on Redis: fails closed, Bearer unaffected', () => {
  let own: RedisServer;
  let store: RedisStore;
  let issuer: TestIssuer;
  let key: DpopKey;
  beforeAll(async () => {
    [own, issuer, key] = await Promise.all([
      startRedisServer(),
      createTestIssuer(),
      createDpopKey(),
    ]);
    store = createRedisStore({ url: own.url, timeout: '250ms' });
    await store.ready();
  });
  afterAll(async () => {
    own?.resume();
    await store?.close();
    await own?.stop();
    await issuer?.close();
  });

  const URL_ = 'https://api.example.com/accounts';
  const dpopRequest = (token: string) => ({
    proof: key.proof({ method: 'GET', url: URL_, accessToken: token }),
    method: 'GET',
    url: URL_,
  });

  it('answers 503 with Retry-After within the timeout while Redis hangs, then 200 again', async () => {
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      dpop: { replayStore: store },
    });
    const token = await issuer.mint({ cnf: { jkt: key.jkt } });
    const plain = await issuer.mint();
    await verifier.authenticate(`DPoP ${token}`, dpopRequest(token)); // keys and token cached

    own.pause();
    try {
      const started = performance.now();
      const refusal = await verifier
        .authenticate(`DPoP ${token}`, dpopRequest(token))
        .catch((error: GatehouseError) => error);
      const waited = performance.now() - started;
      expect(refusal).toMatchObject({
        code: 'temporarily_unavailable',
        reason: 'replay_store_unavailable',
        status: 503,
      });
      expect(toHttpResponse(refusal as GatehouseError, verifier.challenge)).toMatchObject({
        status: 503,
        headers: { 'retry-after': '1' },
      });
      expect(waited).toBeGreaterThanOrEqual(200);
      // "Within the timeout, not a hang": far above the 250 ms store timeout, since a loaded
      // machine delays the answer, and far below the 20 s test timeout a hang would run into.
      expect(waited).toBeLessThan(8000);
      // Bearer requests never touch the store.
      await expect(verifier.authenticate(`Bearer ${plain}`)).resolves.toBeDefined();
    } finally {
      own.resume();
    }
    await expect(verifier.authenticate(`DPoP ${token}`, dpopRequest(token))).resolves.toMatchObject(
      { dpop: { jkt: key.jkt } },
    );
  });

  it('answers 503 at once while Redis is down', async () => {
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      dpop: { replayStore: store },
    });
    const token = await issuer.mint({ cnf: { jkt: key.jkt } });
    await verifier.authenticate(`DPoP ${token}`, dpopRequest(token));
    await own.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await expect(verifier.authenticate(`DPoP ${token}`, dpopRequest(token))).rejects.toMatchObject({
      status: 503,
      reason: 'replay_store_unavailable',
    });
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
