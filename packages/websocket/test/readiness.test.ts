import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GatehouseReadinessError } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { requireAuth, type UpgradeAuthenticator } from '../src/index.js';

// ready() and health() of the UpgradeAuthenticator: a readiness route on the HTTP server whose
// upgrades it authenticates (real `ws` client and server), and an issuer that is down.
let issuer: TestIssuer;
let downUrl: string;
let server: Server;
let authenticator: UpgradeAuthenticator;
let base: string;

beforeAll(async () => {
  // An issuer of its own: key caches are shared per issuer across the process.
  issuer = await createTestIssuer();
  const gone = await createTestIssuer();
  downUrl = gone.url;
  await gone.close();
  authenticator = requireAuth({ issuer: issuer.url, audience: issuer.audience });
  const wss = new WebSocketServer({ noServer: true });
  server = createServer((_request, response) => {
    const health = authenticator.health();
    response.writeHead(health.ready ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify(health));
  });
  server.on('upgrade', async (request, socket, head) => {
    const decision = await authenticator.upgrade(request, socket);
    if (decision.ok) wss.handleUpgrade(request, socket, head, (ws) => ws.close(1000));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await issuer.close();
});

const readiness = async () => {
  const response = await fetch(`http://${base}/ready`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as { issuers: unknown[] } };
};

/** Opens a WebSocket with `token`: the HTTP status of a refusal, or 101 when it opened. */
const open = (token: string) =>
  new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(`ws://${base}/`, { headers: { authorization: `Bearer ${token}` } });
    ws.once('open', () => resolve(101));
    ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    ws.once('error', reject);
  });

describe('@gatehouse/websocket: ready() and health()', () => {
  it('the readiness route is 503 until ready() fetched the keys, then 200', async () => {
    expect((await readiness()).status).toBe(503);
    await authenticator.ready();
    const ready = await readiness();
    expect(ready.status).toBe(200);
    expect(ready.body.issuers[0]).toMatchObject({ issuer: issuer.url, ready: true, keyCount: 1 });
    expect(await open(await issuer.mint())).toBe(101);
    expect(await open('not-a-jwt')).toBe(401);
  });

  it('ready() rejects naming the URL and the cause when the issuer is down; health() reports it', async () => {
    const down = requireAuth({ issuer: downUrl, audience: issuer.audience });
    const error = await down.ready().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(GatehouseReadinessError);
    expect((error as Error).message).toContain(`GET ${downUrl}/.well-known/openid-configuration`);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(down.health()).toMatchObject({
      ready: false,
      issuers: [{ issuer: downUrl, ready: false, keyCount: 0 }],
    });
  });
});
