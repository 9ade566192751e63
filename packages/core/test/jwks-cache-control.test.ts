// How long fetched keys stay fresh: the JWKS response's Cache-Control max-age (RFC 9111
// §5.2.2.1), clamped to [min(1 min, maxAge), max(24 h, maxAge)], else the configured maxAge.
// The keys come from the real test issuer through a loopback relay that sets the header.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { freezeDate, options } from './support/key-store.js';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** [Cache-Control of the JWKS response (null: none), configured maxAge, expected freshness] */
const cases: [string | null, number, number][] = [
  ['max-age=120', 10 * MINUTE, 120_000],
  ['public, max-age=120', 10 * MINUTE, 120_000],
  ['public,max-age=120,must-revalidate', 10 * MINUTE, 120_000],
  ['no-transform , max-age = 120 , private', 10 * MINUTE, 120_000],
  ['max-age="120"', 10 * MINUTE, 120_000],
  ['MAX-AGE=120', 10 * MINUTE, 120_000],
  // Not a max-age directive, or not a number of seconds: the configured maxAge.
  ['x-max-age=120', 10 * MINUTE, 10 * MINUTE],
  ['s-maxage=120', 10 * MINUTE, 10 * MINUTE],
  ['max-age=120x', 10 * MINUTE, 10 * MINUTE],
  ['max-age=12.5', 10 * MINUTE, 10 * MINUTE],
  ['max-age=', 10 * MINUTE, 10 * MINUTE],
  ['no-store', 10 * MINUTE, 10 * MINUTE],
  [null, 10 * MINUTE, 10 * MINUTE],
  // Clamped: at least a minute (or maxAge, when that is shorter), at most a day (or maxAge).
  ['max-age=1', 10 * MINUTE, MINUTE],
  ['max-age=1', 10_000, 10_000],
  ['max-age=30', 10_000, 30_000],
  ['max-age=864000', 10 * MINUTE, DAY],
  ['max-age=864000', 2 * DAY, 2 * DAY],
];

let issuer: TestIssuer;
let relay: { url: string; close(): Promise<void> };
const requests = new Map<string, number>();

beforeAll(async () => {
  issuer = await createTestIssuer();
  const server = createServer((req, res) => {
    const index = Number(req.url?.slice(1));
    requests.set(req.url ?? '', (requests.get(req.url ?? '') ?? 0) + 1);
    const header = cases[index]?.[0];
    fetch(issuer.jwksUri)
      .then((upstream) => upstream.text())
      .then((body) => {
        res.setHeader('content-type', 'application/json');
        if (header !== null && header !== undefined) res.setHeader('cache-control', header);
        res.end(body);
      })
      .catch(() => res.writeHead(502).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  relay = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
});
afterAll(async () => {
  await relay?.close();
  await issuer?.close();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('JWKS freshness from Cache-Control', () => {
  cases.forEach(([header, maxAgeMs, expected], index) => {
    it(`${JSON.stringify(header)} with maxAge ${maxAgeMs} ms: fresh for ${expected} ms`, async () => {
      const path = `/${index}`;
      const { store } = options(issuer, { jwksUri: `${relay.url}${path}`, maxAgeMs });
      freezeDate();
      const t0 = Date.now();
      await store.ready();
      expect(requests.get(path)).toBe(1);
      vi.setSystemTime(t0 + expected - 1);
      await store.ready();
      expect(requests.get(path)).toBe(1);
      vi.setSystemTime(t0 + expected);
      await store.ready();
      expect(requests.get(path)).toBe(2);
    });
  });
});
