import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FetchLike } from '../../packages/core/src/internal/fetch-json.js';
import { getRemoteKeyStore, KEY_FETCH_DEFAULTS } from '../../packages/core/src/jwks.js';
import { rejection as refusal } from '../../packages/core/test/support/key-store.js';
import { type ForwardProxy, startForwardProxy } from './forward-proxy.js';

// Key retrieval with the user's own fetch (keyFetch.fetch): through a real proxy process, and
// with every safeguard of the built-in fetch kept when the user's fetch misbehaves.
let issuer: TestIssuer;
let proxy: ForwardProxy;
let dispatcher: ProxyAgent;
let proxied: FetchLike;
beforeAll(async () => {
  [issuer, proxy] = await Promise.all([createTestIssuer({ jwksMaxAge: 120 }), startForwardProxy()]);
  dispatcher = new ProxyAgent(proxy.url);
  proxied = (url, init) => undiciFetch(url, { ...init, dispatcher });
});
afterAll(async () => {
  await dispatcher?.close();
  await Promise.all([issuer?.close(), proxy?.close()]);
});

const storeFor = (fetch: FetchLike, extra: Partial<typeof KEY_FETCH_DEFAULTS> = {}) =>
  getRemoteKeyStore({
    ...KEY_FETCH_DEFAULTS,
    timeoutMs: 1_000,
    ...extra,
    issuer: issuer.url,
    fetch,
  });

describe('keyFetch.fetch: discovery and JWKS through the user fetch', () => {
  it('goes through the proxy process: discovery, then the JWKS, both tunnelled', async () => {
    const before = proxy.requests.length;
    const key = await storeFor(proxied).getKey('RS256', issuer.keys[0]!.kid);
    expect(key.type).toBe('public');
    const host = new URL(issuer.url).host;
    await vi.waitFor(() =>
      expect(proxy.requests.slice(before).map((r) => r.method)).toContain('CONNECT'),
    );
    expect(proxy.requests.slice(before).every((r) => r.target === host)).toBe(true);
  });

  it('a store is shared only by verifiers with the same fetch', () => {
    const other: FetchLike = (url, init) => proxied(url, init);
    expect(storeFor(proxied)).toBe(storeFor(proxied));
    expect(storeFor(other)).not.toBe(storeFor(proxied));
  });

  it('a fetch that ignores the signal still ends within the time budget (503)', async () => {
    issuer.setFault({ type: 'slow', ms: 5_000, target: 'discovery' });
    try {
      const ignoresSignal: FetchLike = (url) => fetch(url);
      const started = Date.now();
      const error = await refusal(
        storeFor(ignoresSignal, { timeoutMs: 300 }).getKey('RS256', undefined),
      );
      expect(error.code).toBe('temporarily_unavailable');
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      issuer.setFault(null);
    }
  });

  it('a fetch that follows redirects is refused: the answer it followed is not used', async () => {
    const redirector = createServer((_req, res) => {
      res.writeHead(302, { location: issuer.jwksUri }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirector.address() as AddressInfo;
      const follows: FetchLike = (url, init) => fetch(url, { ...init, redirect: 'follow' });
      const store = getRemoteKeyStore({
        ...KEY_FETCH_DEFAULTS,
        timeoutMs: 1_000,
        issuer: issuer.url,
        jwksUri: `http://127.0.0.1:${port}/jwks`,
        fetch: follows,
      });
      const error = await refusal(store.getKey('RS256', issuer.keys[0]!.kid));
      expect(error.code).toBe('temporarily_unavailable');
    } finally {
      redirector.closeAllConnections();
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  it('the size cap applies to what the user fetch returns', async () => {
    issuer.setFault({ type: 'huge', bytes: 64 * 1024, target: 'jwks' });
    try {
      const error = await refusal(
        storeFor(proxied, { maxBytes: 16 * 1024 }).getKey('RS256', undefined),
      );
      expect(error.code).toBe('temporarily_unavailable');
    } finally {
      issuer.setFault(null);
    }
  });

  it('Cache-Control of the JWKS still sets freshness (max-age=120 over maxAge 1 s)', async () => {
    const store = storeFor(proxied, { maxAgeMs: 1_000 });
    await store.getKey('RS256', issuer.keys[0]!.kid);
    issuer.resetCounters();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 30_000);
      await store.getKey('RS256', issuer.keys[0]!.kid);
      expect(issuer.requests.jwks).toBe(0);
      vi.setSystemTime(Date.now() + 100_000);
      await store.getKey('RS256', issuer.keys[0]!.kid); // stale now: refreshed in the background
      await vi.waitFor(() => expect(issuer.requests.jwks).toBe(1), { timeout: 5_000 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('a fetch that answers something other than a response is an outage, never a crash', async () => {
    const broken = (async () => ({ nope: true })) as unknown as FetchLike;
    const error = await refusal(storeFor(broken).getKey('RS256', undefined));
    expect(error.code).toBe('temporarily_unavailable');
  });
});
