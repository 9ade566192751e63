import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createChatServer } from '../../examples/websocket/src/app.js';

// examples/websocket, run with a real `ws` client: it answers as its README says.
let issuer: TestIssuer;
let server: Server;
let port: number;

beforeAll(async () => {
  issuer = await createTestIssuer();
  server = createChatServer({ issuer: issuer.url, audience: issuer.audience });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await issuer.close();
});

/** Connects with `token`; the echo of one message, or the HTTP refusal's status and challenge. */
const connect = (token?: string) =>
  new Promise<{ echo?: string; status?: number; challenge?: string }>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    ws.once('open', () => ws.send('hi'));
    ws.once('message', (data) => {
      resolve({ echo: String(data) });
      ws.close();
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve({
        status: response.statusCode,
        challenge: String(response.headers['www-authenticate']),
      });
      response.destroy();
    });
    ws.once('error', reject);
  });

const ready = async () =>
  (await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(10_000) })).status;

describe('examples/websocket', () => {
  it('reports not ready until keys are fetched, then serves the chat with a scoped token', async () => {
    expect(await ready()).toBe(503);
    expect(await connect(await issuer.mint({ scope: 'chat' }))).toEqual({ echo: 'user-123: hi' });
    expect(await ready()).toBe(200);
  });

  it('refuses the upgrade with a real HTTP 401 or 403 and its challenge', async () => {
    expect(await connect()).toEqual({ status: 401, challenge: 'Bearer' });
    const unscoped = await connect(await issuer.mint());
    expect(unscoped.status).toBe(403);
    expect(unscoped.challenge).toMatch(/^Bearer error="insufficient_scope", .*scope="chat"/);
    expect((await connect('not-a-jwt')).status).toBe(401);
  });
});
