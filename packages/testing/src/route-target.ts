import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Node request listener: an Express app, `koaApp.callback()`, or your own handler. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * What `checkProtectedRoute` can send requests to:
 * - a base URL (`'http://127.0.0.1:3000'`): requests go there, nothing is started;
 * - an `http.Server`: used as is when listening, else started on 127.0.0.1 (a free port) and
 *   closed afterwards;
 * - an Express app or any `(req, res)` request listener;
 * - a Koa app (anything with a `callback()` returning a listener);
 * - a Fastify instance (anything with `ready()` and `routing(req, res)`), made ready first.
 */
export type RouteTarget =
  | string
  | URL
  | Server
  | RequestListener
  | { callback(): RequestListener }
  | { ready(): PromiseLike<unknown>; routing(req: IncomingMessage, res: ServerResponse): void };

/** A target reachable over HTTP, and how to let go of it. */
export interface OpenTarget {
  baseUrl: string;
  close(): Promise<void>;
}

const isServer = (value: unknown): value is Server =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Server).listen === 'function' &&
  typeof (value as Server).address === 'function' &&
  typeof (value as Server).close === 'function';

/** Resolves `target` to a base URL, starting a server on 127.0.0.1 (port 0) when it needs one. */
export async function openTarget(target: RouteTarget): Promise<OpenTarget> {
  if (typeof target === 'string' || target instanceof URL) {
    const url = new URL(String(target));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new TypeError('@gatehouse/testing: checkProtectedRoute app URL must be http(s)');
    }
    return { baseUrl: url.origin, close: async () => {} };
  }
  if (isServer(target)) {
    if (target.listening) return { baseUrl: urlOf(target), close: async () => {} };
    return listen(target);
  }
  if (typeof target === 'function') return listen(createServer(target));
  if (typeof target === 'object' && target !== null) {
    if ('routing' in target && typeof target.routing === 'function' && 'ready' in target) {
      await target.ready();
      return listen(createServer((req, res) => target.routing(req, res)));
    }
    if ('callback' in target && typeof target.callback === 'function') {
      return listen(createServer(target.callback()));
    }
  }
  throw new TypeError(
    '@gatehouse/testing: checkProtectedRoute app must be a URL, an http.Server, a request ' +
      'listener (Express), a Koa app or a Fastify instance',
  );
}

function urlOf(server: Server): string {
  const address = server.address() as AddressInfo | string | null;
  if (address === null || typeof address === 'string') {
    throw new TypeError('@gatehouse/testing: checkProtectedRoute needs a TCP server');
  }
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host;
  return `http://${reachable}:${address.port}`;
}

async function listen(server: Server): Promise<OpenTarget> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    baseUrl: urlOf(server),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
