// The one bounded HTTP fetch behind discovery, JWKS and introspection (internal/fetch-json.ts),
// against real servers on 127.0.0.1: what it sends, which answers it refuses and with which
// detail (what operators read), its size cap and its time budget.
import { describe, expect, it } from 'vitest';
import { fetchJson, isLoopbackHost } from '../src/internal/fetch-json.js';
import {
  closedPortUrl,
  endless,
  json,
  refused,
  serve,
  settings,
  stalling,
  withinSeconds,
} from './support/fetch-server.js';

describe('the request', () => {
  it('a GET asking for JSON; answers the parsed body and the response headers', async () => {
    await using server = await serve(json({ keys: [] }, 200, { 'cache-control': 'max-age=60' }));
    const { body, headers } = await fetchJson(`${server.url}/jwks`, settings());
    expect(body).toEqual({ keys: [] });
    expect(headers.get('cache-control')).toBe('max-age=60');
    expect(server.received).toMatchObject([
      { method: 'GET', url: '/jwks', headers: { accept: 'application/json' }, body: '' },
    ]);
  });

  it('a form POST with the caller headers when asked (introspection), the body as text', async () => {
    await using server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/token-introspection+jwt' });
      res.end('a.b.c');
    });
    const { body } = await fetchJson(
      server.url,
      settings({
        post: { form: new URLSearchParams({ token: 't' }), headers: { authorization: 'Basic x' } },
        text: 'application/token-introspection+jwt',
      }),
    );
    expect(body).toBe('a.b.c');
    expect(server.received).toMatchObject([
      {
        method: 'POST',
        body: 'token=t',
        headers: {
          accept: 'application/token-introspection+jwt',
          authorization: 'Basic x',
          'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
        },
      },
    ]);
  });

  it('a multi-byte character split across reads is decoded whole', async () => {
    const bytes = Buffer.from(JSON.stringify({ name: 'Zoë €' }));
    const cut = bytes.indexOf(Buffer.from('€')) + 1;
    await using server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(bytes.subarray(0, cut));
      setTimeout(() => res.end(bytes.subarray(cut)), 100);
    });
    expect((await fetchJson(server.url, settings())).body).toEqual({ name: 'Zoë €' });
  });

  it('a 2xx without a body is an empty text, and not JSON', async () => {
    await using server = await serve((_req, res) => res.writeHead(204).end());
    expect((await fetchJson(server.url, settings({ text: 'application/jwt' }))).body).toBe('');
    expect(await refused(fetchJson(server.url, settings()))).toEqual({
      detail: 'invalid JSON',
      status: 204,
      url: server.url,
    });
  });

  it('refuses a URL it may not fetch without sending anything', async () => {
    for (const [url, detail] of [
      ['http://192.0.2.1/jwks', 'refused URL: http: is only allowed for loopback hosts'],
      ['ftp://127.0.0.1/jwks', 'refused URL: unsupported scheme ftp:'],
      ['/jwks', 'refused URL: not an absolute URL'],
    ] as const) {
      expect(await refused(fetchJson(url, settings()))).toEqual({ detail, status: undefined, url });
    }
  });
});

describe('status handling', () => {
  it('accepts the whole 2xx range', async () => {
    for (const status of [200, 201, 299]) {
      await using server = await serve(json({ ok: status }, status));
      expect((await fetchJson(server.url, settings())).body).toEqual({ ok: status });
    }
  });

  it.each([
    [300, 'redirect refused (HTTP 300)'],
    [302, 'redirect refused (HTTP 302)'],
    [304, 'redirect refused (HTTP 304)'],
    [399, 'redirect refused (HTTP 399)'],
    [400, 'HTTP 400'],
    [404, 'HTTP 404'],
    [503, 'HTTP 503'],
  ])('refuses HTTP %i: %s, keeping the status', async (status, detail) => {
    await using server = await serve(
      json({ error: 'x' }, status, status === 302 ? { location: '/elsewhere' } : {}),
    );
    const url = `${server.url}/.well-known/openid-configuration`;
    expect(await refused(fetchJson(url, settings()))).toEqual({ detail, status, url });
    expect(server.received).toHaveLength(1);
  });

  it('frees the connection of a refused answer without reading its body', async () => {
    for (const status of [302, 500]) {
      await using server = await serve(endless(status));
      const error = await refused(fetchJson(server.url, settings()));
      expect(error.status).toBe(status);
      await withinSeconds(5, server.received[0]!.closed);
    }
  });
});

describe('size cap (maxBytes)', () => {
  it('a body of exactly maxBytes is read, declared or streamed', async () => {
    const body = JSON.stringify({ padding: 'x'.repeat(100) });
    await using declared = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
    await using streamed = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(body.slice(0, 50));
      res.end(body.slice(50));
    });
    for (const server of [declared, streamed]) {
      const answer = await fetchJson(server.url, settings({ maxBytes: body.length }));
      expect(answer.body).toEqual({ padding: 'x'.repeat(100) });
    }
  });

  it('a declared Content-Length beyond maxBytes is refused before the body arrives', async () => {
    // The body never comes: only the declared length can refuse it in time.
    await using server = await serve(stalling({ 'content-length': '100000' }));
    const started = performance.now();
    expect(await refused(fetchJson(server.url, settings({ maxBytes: 1_000 })))).toEqual({
      detail: 'body larger than 1000 bytes',
      status: 200,
      url: server.url,
    });
    expect(performance.now() - started).toBeLessThan(4_000);
    await withinSeconds(5, server.received[0]!.closed);
  });

  it('a streamed body is refused once it passes maxBytes, and its connection freed', async () => {
    await using server = await serve(endless(200));
    expect(await refused(fetchJson(server.url, settings({ maxBytes: 10_000 })))).toEqual({
      detail: 'body larger than 10000 bytes',
      status: 200,
      url: server.url,
    });
    await withinSeconds(5, server.received[0]!.closed);
  });
});

describe('time budget (the caller signal)', () => {
  it('gives up on a server that never answers, naming the budget', async () => {
    await using server = await serve(() => {});
    const started = performance.now();
    expect(await refused(fetchJson(server.url, settings({ timeoutMs: 300 })))).toEqual({
      detail: 'timeout after 300 ms',
      status: undefined,
      url: server.url,
    });
    expect(performance.now() - started).toBeLessThan(4_000);
  });
});

describe('network errors', () => {
  it('names the system error code of a refused connection', async () => {
    const url = await closedPortUrl();
    expect(await refused(fetchJson(url, settings()))).toEqual({
      detail: 'network error (ECONNREFUSED)',
      status: undefined,
      url,
    });
  });
});

describe('loopback hosts', () => {
  it('127.0.0.0/8, localhost and [::1], as URL host names are written', () => {
    for (const host of ['localhost', '[::1]', '127.0.0.1', '127.255.255.255', '127.1.22.3']) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of [
      'localhost.example.com',
      '[::2]',
      '128.0.0.1',
      '127.0.0.1.example.com',
      'example.127.0.0.1',
      '127.0.0.1000',
      '127.0.0',
      '127.a.b.c',
      '1270.0.0.1',
    ]) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });
});
