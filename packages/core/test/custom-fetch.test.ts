// `keyFetch.fetch`: the user's own fetch (a proxy agent, a custom CA, a cache) may ignore the
// signal, follow redirects, throw its own errors or answer something that is no Response;
// fetch-json.ts holds its limits regardless. Real servers on 127.0.0.1, real fetch underneath.
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type FetchLike, fetchJson } from '../src/internal/fetch-json.js';
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

/** A fetch that keeps the signal to itself (as a wrapper easily does). */
const deaf: FetchLike = (url, init) => fetch(url, { ...init, signal: null });

describe('a fetch that ignores the signal: the budget holds', () => {
  it('in the request and in the body, freeing the stalled connection', async () => {
    await using silent = await serve(() => {});
    await using stalled = await serve(stalling());
    for (const server of [silent, stalled]) {
      const signal = AbortSignal.timeout(300);
      const started = performance.now();
      expect(
        await refused(fetchJson(server.url, settings({ signal, timeoutMs: 300, fetch: deaf }))),
      ).toEqual({ detail: 'timeout after 300 ms', status: undefined, url: server.url });
      expect(performance.now() - started).toBeLessThan(4_000);
      expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    }
    // The stalled body's read was cancelled: its connection is freed, not left to the server.
    await withinSeconds(5, stalled.received[0]!.closed);
  });

  it('takes its listener back from the budget signal, which the next request shares', async () => {
    await using server = await serve(json({ keys: [] }));
    const gone = await closedPortUrl();
    const signal = AbortSignal.timeout(5_000);
    await fetchJson(server.url, settings({ signal, fetch: deaf }));
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    const error = await refused(fetchJson(gone, settings({ signal, fetch: deaf })));
    expect(error.detail).toBe('network error (ECONNREFUSED)');
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('an exhausted budget fails at once, whatever the fetch does with the signal', async () => {
    await using server = await serve(() => {});
    const signal = AbortSignal.abort();
    const started = performance.now();
    expect(
      await refused(fetchJson(server.url, settings({ signal, timeoutMs: 250, fetch: deaf }))),
    ).toEqual({ detail: 'timeout after 250 ms', status: undefined, url: server.url });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('a fetch that throws its own errors', () => {
  it('logs no code that is not a plain error code, nor from an error without one', async () => {
    const url = await closedPortUrl();
    // A user's fetch (a proxy client, say) rethrowing with its own cause.
    const rethrowing =
      (cause: unknown): FetchLike =>
      (target, init) =>
        fetch(target, init).catch(() => {
          throw new Error('proxy failed', cause === undefined ? {} : { cause });
        });
    for (const cause of [
      undefined,
      {},
      { code: 42 },
      // Only a string is named, not what merely prints like one.
      { code: ['ECONNRESET'] },
      { code: 'lower_case' },
      { code: 'secret' },
      { code: 'ECONN refused by https://user:pass@proxy' },
      { code: 'E1' },
      { code: 'xECONNREFUSED' },
    ]) {
      expect(await refused(fetchJson(url, settings({ fetch: rethrowing(cause) })))).toEqual({
        detail: 'network error',
        status: undefined,
        url,
      });
    }
    expect(
      await refused(fetchJson(url, settings({ fetch: rethrowing({ code: 'UND_ERR_SOCKET' }) }))),
    ).toMatchObject({ detail: 'network error (UND_ERR_SOCKET)' });
  });

  it('a rejection without a reason is a network error too', async () => {
    const url = await closedPortUrl();
    for (const reason of [undefined, null]) {
      // A wrapper that turns the refused connection into a bare rejection.
      const bare: FetchLike = (target, init) =>
        fetch(target, init).catch(() => Promise.reject(reason));
      expect(await refused(fetchJson(url, settings({ fetch: bare })))).toEqual({
        detail: 'network error',
        status: undefined,
        url,
      });
    }
  });
});

/** A fetch answering `change` of the real response's fields: a Response look-alike, or not. */
const lookAlike =
  (change: (response: Record<string, unknown>) => unknown): FetchLike =>
  async (url, init) => {
    const real = await fetch(url, init);
    const fields = {
      status: real.status,
      redirected: real.redirected,
      url: real.url,
      headers: real.headers,
      body: real.body,
    };
    return change(fields) as never;
  };

describe('a fetch that follows redirects or answers no Response', () => {
  it('a redirect it followed is refused, however it followed it', async () => {
    // The redirect's target streams without end: refusing it must also free its connection.
    await using server = await serve((req, res) => {
      if (req.url === '/moved') endless(200)(req, res);
      else res.writeHead(302, { location: '/moved' }).end();
    });
    // Following in fetch (`redirected` is set) …
    const following: FetchLike = (url, init) => fetch(url, { ...init, redirect: 'follow' });
    // … or by hand, answering the last response (`redirected` is not set, its `url` differs).
    const byHand: FetchLike = async (url, init) => {
      const first = await fetch(url, init);
      const location = first.headers.get('location');
      return location === null ? first : fetch(new URL(location, url).href, init);
    };
    for (const userFetch of [following, byHand]) {
      const url = `${server.url}/jwks`;
      expect(await refused(fetchJson(url, settings({ fetch: userFetch })))).toEqual({
        detail: 'redirect refused (followed by fetch)',
        status: 200,
        url,
      });
    }
    const moved = server.received.filter((request) => request.url === '/moved');
    expect(moved).toHaveLength(2);
    for (const request of moved) await withinSeconds(5, request.closed);
  });

  it('a response built by the fetch (no url) is read; an URL written differently is the same', async () => {
    await using server = await serve(json({ keys: [1] }));
    // A caching fetch answers a Response it built, whose `url` is ''.
    const caching: FetchLike = async (url, init) => {
      const response = await fetch(url, init);
      return new Response(await response.text(), { headers: response.headers });
    };
    expect((await fetchJson(server.url, settings({ fetch: caching }))).body).toEqual({
      keys: [1],
    });
    // `server.url` has no path; the response's `url` ends in `/`.
    expect((await fetchJson(server.url, settings())).body).toEqual({ keys: [1] });
  });

  it('accepts a look-alike Response (another realm or undici copy), refuses what is none', async () => {
    await using server = await serve(json({ keys: [2] }));
    expect((await fetchJson(server.url, settings({ fetch: lookAlike((r) => r) }))).body).toEqual({
      keys: [2],
    });
    for (const change of [
      () => undefined,
      () => null,
      (r: Record<string, unknown>) => ({ ...r, status: '200' }),
      (r: Record<string, unknown>) => ({ ...r, headers: undefined }),
      (r: Record<string, unknown>) => ({ ...r, headers: { 'content-type': 'application/json' } }),
      (r: Record<string, unknown>) => ({ ...r, body: undefined }),
      // What a fetch wrapper returning `response.json()` gives.
      () => ({ keys: [2] }),
    ]) {
      expect(await refused(fetchJson(server.url, settings({ fetch: lookAlike(change) })))).toEqual({
        detail: 'fetch did not return a Response',
        status: undefined,
        url: server.url,
      });
    }
  });

  it('refuses a status below 200: an opaque redirect (0, no body), an informational 1xx', async () => {
    await using server = await serve(json({ keys: [3] }));
    // What a fetch that implements `redirect: 'manual'` to the letter answers for a redirect.
    const opaqueRedirect = lookAlike((r) => ({
      ...r,
      status: 0,
      headers: new Headers(),
      body: null,
    }));
    expect(await refused(fetchJson(server.url, settings({ fetch: opaqueRedirect })))).toEqual({
      detail: 'HTTP 0',
      status: 0,
      url: server.url,
    });
    const informational = lookAlike((r) => ({ ...r, status: 103 }));
    expect(await refused(fetchJson(server.url, settings({ fetch: informational })))).toEqual({
      detail: 'HTTP 103',
      status: 103,
      url: server.url,
    });
  });
});
