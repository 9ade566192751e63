// Real HTTP servers on 127.0.0.1 for the fetch tests (fetch-limits, custom-fetch), and the
// settings and failure helpers around `fetchJson`.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { FetchFailure, type FetchJsonOptions } from '../../src/internal/fetch-json.js';

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Resolves when the connection behind this request is gone (the client freed it). */
  closed: Promise<unknown>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A server on 127.0.0.1 (port 0) answering with `handler`, recording what it received. */
export async function serve(
  handler: Handler,
): Promise<{ url: string; received: Received[] } & AsyncDisposable> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const closed = once(res, 'close');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        closed,
      });
      handler(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** JSON with a status and headers. */
export const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

/** Answers `status`, then streams a body that never ends (until the client leaves). */
export const endless =
  (status: number, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.write('{"padding":"');
    const timer = setInterval(() => res.write('x'.repeat(1024)), 10);
    res.once('close', () => clearInterval(timer));
  };

/** Headers and the start of a body, then silence (until the client leaves). */
export const stalling =
  (headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.write('{"keys":');
  };

/** The URL of a server on 127.0.0.1 that has just closed: connections to it are refused. */
export async function closedPortUrl(): Promise<string> {
  const server = await serve(() => {});
  await server[Symbol.asyncDispose]();
  return server.url;
}

/**
 * Options for `fetchJson`. The default budget (30 s) outlasts every wait in these tests, so that a
 * connection seen closed was freed by fetchJson, not by the budget's abort.
 */
export function settings(extra: Partial<FetchJsonOptions> = {}): FetchJsonOptions {
  return {
    signal: AbortSignal.timeout(extra.timeoutMs ?? 30_000),
    timeoutMs: 30_000,
    maxBytes: 65_536,
    allowInsecureRequests: false,
    ...extra,
  };
}

/** The `FetchFailure` `promise` rejects with (fails the test if it resolves or rejects otherwise). */
async function failure(promise: Promise<unknown>): Promise<FetchFailure> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(FetchFailure);
  return error as FetchFailure;
}

/** Detail, status and URL of the failure: what operators read in `keys_refresh_failed`. */
export async function refused(promise: Promise<unknown>) {
  const { detail, status, url, message, name } = await failure(promise);
  expect(message).toBe(detail);
  expect(name).toBe('FetchFailure');
  return { detail, status, url };
}

/** Fails unless `promise` settles within `seconds`. */
export async function withinSeconds(seconds: number, promise: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), seconds * 1_000);
  });
  const outcome = await Promise.race([promise.then(() => 'settled' as const), late]);
  clearTimeout(timer);
  expect(outcome).toBe('settled');
}
