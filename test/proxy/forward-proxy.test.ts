import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { ProxyAgent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ForwardProxy, startForwardProxy } from './forward-proxy.js';

// The proxy is test infrastructure for `keyFetch.fetch`; these tests prove it is a real,
// separate process that tunnels and forwards, so a keyFetch test through it means something.
let issuer: TestIssuer;
let proxy: ForwardProxy;
let guarded: ForwardProxy;
beforeAll(async () => {
  [issuer, proxy, guarded] = await Promise.all([
    createTestIssuer(),
    startForwardProxy(),
    startForwardProxy({ auth: 'gate:house' }),
  ]);
});
afterAll(async () => {
  await Promise.all([issuer?.close(), proxy?.close(), guarded?.close()]);
});

describe('forward proxy process (test infrastructure)', () => {
  it('runs in its own process', () => {
    expect(proxy.pid).not.toBe(process.pid);
  });

  it('tunnels a request with CONNECT (undici ProxyAgent) to the issuer JWKS', async () => {
    const dispatcher = new ProxyAgent(proxy.url);
    try {
      const before = issuer.requests.jwks;
      const response = await undiciFetch(issuer.jwksUri, { dispatcher });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { keys: unknown[] }).keys).toHaveLength(1);
      expect(issuer.requests.jwks).toBe(before + 1);
      // The log line comes over the child's stdout, which may trail the answer.
      await vi.waitFor(() =>
        expect(proxy.requests.at(-1)).toEqual({
          method: 'CONNECT',
          target: new URL(issuer.url).host,
          auth: 'none',
        }),
      );
    } finally {
      await dispatcher.close();
    }
  });

  it('forwards an absolute-form request', async () => {
    const { request } = await import('node:http');
    const { port } = new URL(proxy.url);
    const status = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: issuer.jwksUri }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);
    await vi.waitFor(() =>
      expect(proxy.requests.at(-1)).toMatchObject({ method: 'GET', target: issuer.jwksUri }),
    );
  });

  it('answers 407 without its credentials and tunnels with them', async () => {
    const { port } = new URL(guarded.url);
    const anonymous = new ProxyAgent(`http://127.0.0.1:${port}`);
    const withCredentials = new ProxyAgent(guarded.url);
    try {
      await expect(undiciFetch(issuer.jwksUri, { dispatcher: anonymous })).rejects.toThrow();
      const response = await undiciFetch(issuer.jwksUri, { dispatcher: withCredentials });
      expect(response.status).toBe(200);
      await vi.waitFor(() => expect(guarded.requests.map((r) => r.auth)).toEqual(['none', 'sent']));
    } finally {
      await Promise.all([anonymous.close(), withCredentials.close()]);
    }
  });

  it('refuses targets off the loopback interface', async () => {
    const dispatcher = new ProxyAgent(proxy.url);
    try {
      await expect(
        undiciFetch('http://192.0.2.1/jwks', { dispatcher, signal: AbortSignal.timeout(5000) }),
      ).rejects.toThrow();
      await vi.waitFor(() =>
        expect(proxy.requests.at(-1)).toMatchObject({ method: 'CONNECT', target: '192.0.2.1:80' }),
      );
    } finally {
      await dispatcher.close();
    }
  });
});
