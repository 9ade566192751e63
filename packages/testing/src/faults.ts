import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Fault, FaultTarget } from './types.js';

/** The routes a fault can target, besides `'all'`. */
export type FaultRoute = Exclude<FaultTarget, 'all'> | 'other';

const DEFAULT_SLOW_MS = 1000;
const DEFAULT_STATUS = 500;
const DEFAULT_HUGE_BYTES = 2 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** Checks a fault given to `setFault`, so a typo fails loudly instead of silently not faulting. */
export function validateFault(fault: Fault): Fault {
  const types = ['down', 'slow', 'status', 'garbage', 'huge'];
  const targets = ['jwks', 'discovery', 'token', 'all', undefined];
  if (!types.includes(fault.type)) {
    throw new TypeError(`@gatehouse/testing: unknown fault type ${JSON.stringify(fault.type)}`);
  }
  if (!targets.includes(fault.target)) {
    throw new TypeError(`@gatehouse/testing: unknown fault target ${JSON.stringify(fault.target)}`);
  }
  const status = fault.status ?? DEFAULT_STATUS;
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new TypeError('@gatehouse/testing: fault.status must be an HTTP status 200-599');
  }
  for (const field of ['ms', 'bytes'] as const) {
    const value = fault[field];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new TypeError(`@gatehouse/testing: fault.${field} must be a non-negative number`);
    }
  }
  return { ...fault };
}

/** True when `fault` hits a request to `route`; unknown routes are only hit by `'all'`. */
export function faultApplies(fault: Fault | null, route: FaultRoute): fault is Fault {
  if (!fault) return false;
  const target = fault.target ?? 'all';
  return target === 'all' || target === route;
}

/** Pending `slow` answers, so `close()` can cancel them. */
export type PendingTimers = Set<NodeJS.Timeout>;

/**
 * Answers a faulted request; `answer` produces the normal response (used by `slow`).
 *
 * Does not: count the request (the caller already did) or keep a timer after the client left.
 */
export function applyFault(
  fault: Fault,
  req: IncomingMessage,
  res: ServerResponse,
  timers: PendingTimers,
  answer: () => void,
): void {
  switch (fault.type) {
    case 'down':
      // A TCP reset, which clients report as ECONNRESET / "fetch failed", as with a dead upstream.
      req.socket.resetAndDestroy();
      return;
    case 'slow': {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) answer();
      }, fault.ms ?? DEFAULT_SLOW_MS);
      timers.add(timer);
      res.once('close', () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
      return;
    }
    case 'status': {
      const status = fault.status ?? DEFAULT_STATUS;
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ error: 'server_error', error_description: `simulated ${status}` }));
      return;
    }
    case 'garbage':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('<html><body>502 Bad Gateway… not JSON {');
      return;
    case 'huge':
      void streamHuge(res, fault.bytes ?? DEFAULT_HUGE_BYTES);
      return;
  }
}

function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

// Valid JSON of exactly `bytes` (at least the JSON frame), chunked without Content-Length so a
// client must enforce its own size cap while reading.
async function streamHuge(res: ServerResponse, bytes: number): Promise<void> {
  const prefix = '{"keys":[],"padding":"';
  const suffix = '"}';
  let remaining = Math.max(0, Math.floor(bytes) - prefix.length - suffix.length);
  res.writeHead(200, { 'content-type': 'application/json' });
  res.write(prefix);
  while (remaining > 0 && !res.destroyed) {
    const size = Math.min(remaining, CHUNK.length);
    remaining -= size;
    if (!res.write(size === CHUNK.length ? CHUNK : CHUNK.subarray(0, size))) {
      await drainOrClose(res);
    }
  }
  if (!res.destroyed) res.end(suffix);
}
