import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect as connectTcp } from 'node:net';
import { type AuthContext, GatehouseConfigError } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import {
  closeOnExpiry,
  requireAuth,
  requireScopes,
  TOKEN_EXPIRED_CLOSE_CODE,
  type UpgradeDecision,
} from '../src/index.js';

// Real `ws` servers and clients on 127.0.0.1; keys from a real in-process issuer.
let issuer: TestIssuer;
let coldIssuer: TestIssuer;
const servers: Server[] = [];
const decisions: UpgradeDecision[] = [];

class StoreDown extends Error {}

beforeAll(async () => {
  issuer = await createTestIssuer();
  coldIssuer = await createTestIssuer();
  coldIssuer.setFault({ type: 'down' });
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await Promise.all([issuer.close(), coldIssuer.close()]);
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The recommended wiring: authenticate in 'upgrade', then `handleUpgrade`. */
async function startUpgradeServer(): Promise<string> {
  const base = { issuer: issuer.url, audience: issuer.audience, realm: 'api' };
  const authenticator = requireAuth(base);
  const withUsers = requireAuth({
    ...base,
    resolveUser: (auth) => {
      if (auth.subject === 'boom') throw new StoreDown('user store down');
      return { name: 'Ada' };
    },
  });
  const cold = requireAuth({
    issuer: coldIssuer.url,
    audience: coldIssuer.audience,
    keyFetch: { timeout: 2 },
  });
  const wss = new WebSocketServer({ noServer: true });
  const server = createServer();
  server.on('upgrade', async (request: IncomingMessage, socket, head) => {
    const path = request.url ?? '/';
    const decision =
      path === '/scoped'
        ? await authenticator.upgrade(request, socket, requireScopes('chat'))
        : await (path === '/users' ? withUsers : path === '/cold' ? cold : authenticator).upgrade(
            request,
            socket,
          );
    decisions.push(decision);
    if (!decision.ok) return;
    wss.handleUpgrade(request, socket, head, (ws) => {
      const auth = decision.auth as AuthContext;
      const cancel = closeOnExpiry(auth, () => ws.close(TOKEN_EXPIRED_CLOSE_CODE, 'token expired'));
      ws.once('close', cancel);
      ws.send(JSON.stringify({ sub: auth.subject, user: auth.user ?? null }));
    });
  });
  return listen(server);
}

type Outcome =
  | { opened: true; message: unknown; ws: WebSocket }
  | { opened: false; status: number; headers: IncomingMessage['headers']; body: unknown };

/** Connects with a real `ws` client; a refused upgrade is the HTTP answer the client read. */
function connect(url: string, authorization?: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: authorization ? { authorization } : {} });
    const timer = setTimeout(() => reject(new Error('no answer in 10 s')), 10_000);
    ws.once('message', (data) => {
      clearTimeout(timer);
      resolve({ opened: true, message: JSON.parse(String(data)), ws });
    });
    ws.once('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => {
        text += chunk;
      });
      response.on('end', () => {
        clearTimeout(timer);
        const status = response.statusCode ?? 0;
        resolve({ opened: false, status, headers: response.headers, body: JSON.parse(text) });
      });
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

describe('requireAuth().upgrade with ws handleUpgrade', () => {
  let host: string;
  beforeAll(async () => {
    host = await startUpgradeServer();
  });

  it('opens the connection for a valid token, with auth from the upgrade', async () => {
    const outcome = await connect(`ws://${host}/`, `Bearer ${await issuer.mint()}`);
    expect(outcome).toMatchObject({ opened: true, message: { sub: 'user-123' } });
    if (outcome.opened) outcome.ws.close();
  });

  it('answers no credentials with a real HTTP 401 and the challenge (RFC 6750 §3.1)', async () => {
    const outcome = await connect(`ws://${host}/`);
    expect(outcome).toMatchObject({
      opened: false,
      status: 401,
      headers: {
        'www-authenticate': 'Bearer realm="api"',
        'cache-control': 'no-store',
        'content-type': 'application/json; charset=utf-8',
        connection: 'close',
      },
      body: { error: 'unauthorized' },
    });
  });

  it('answers a bad token 401 invalid_token and never echoes it', async () => {
    const outcome = await connect(`ws://${host}/`, 'Bearer not-a-jwt');
    expect(outcome.opened).toBe(false);
    if (outcome.opened) return;
    expect(outcome.status).toBe(401);
    expect(outcome.headers['www-authenticate']).toMatch(
      /^Bearer realm="api", error="invalid_token"/,
    );
    expect(JSON.stringify(outcome)).not.toContain('not-a-jwt');
  });

  it('answers a missing scope 403 insufficient_scope with scope=', async () => {
    const outcome = await connect(
      `ws://${host}/scoped`,
      `Bearer ${await issuer.mint({ scope: 'read' })}`,
    );
    expect(outcome).toMatchObject({ opened: false, status: 403 });
    if (outcome.opened) return;
    expect(outcome.headers['www-authenticate']).toContain('scope="chat"');
    const ok = await connect(
      `ws://${host}/scoped`,
      `Bearer ${await issuer.mint({ scope: 'chat' })}`,
    );
    expect(ok.opened).toBe(true);
    if (ok.opened) ok.ws.close();
  });

  it('answers keys unobtainable 503 with Retry-After and no challenge', async () => {
    const outcome = await connect(`ws://${host}/cold`, `Bearer ${await coldIssuer.mint()}`);
    expect(outcome).toMatchObject({
      opened: false,
      status: 503,
      body: { error: 'temporarily_unavailable' },
    });
    if (outcome.opened) return;
    expect(Number(outcome.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(outcome.headers['www-authenticate']).toBeUndefined();
  });

  it('refuses two Authorization lines 400 invalid_request (raw HTTP on the wire)', async () => {
    const token = await issuer.mint();
    const [hostname, port] = host.split(':') as [string, string];
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connectTcp(Number(port), hostname, () => {
        socket.write(
          [
            'GET / HTTP/1.1',
            `Host: ${host}`,
            'Connection: Upgrade',
            'Upgrade: websocket',
            'Sec-WebSocket-Version: 13',
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
            `Authorization: Bearer ${token}`,
            `Authorization: Bearer ${token}`,
            '',
            '',
          ].join('\r\n'),
        );
      });
      let text = '';
      socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
      socket.on('data', (chunk) => {
        text += chunk;
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toMatch(/\r\nwww-authenticate: Bearer realm="api", error="invalid_request"/);
    expect(answer).toMatch(/\r\n\r\n\{"error":"invalid_request"/);
    expect(answer).not.toContain(token.split('.')[2]);
  });

  it('gives resolveUser its user, and destroys the socket when it throws', async () => {
    const ok = await connect(`ws://${host}/users`, `Bearer ${await issuer.mint()}`);
    expect(ok).toMatchObject({ opened: true, message: { user: { name: 'Ada' } } });
    if (ok.opened) ok.ws.close();
    const before = decisions.length;
    await expect(
      connect(`ws://${host}/users`, `Bearer ${await issuer.mint({ sub: 'boom' })}`),
    ).rejects.toThrow(/socket hang up|ECONNRESET/);
    const decision = decisions[before];
    expect(decision).toMatchObject({ ok: false });
    expect(decision && !decision.ok && decision.error).toBeInstanceOf(StoreDown);
  });

  it('closes the connection with 1008 when the token expires (closeOnExpiry)', async () => {
    const outcome = await connect(
      `ws://${host}/`,
      `Bearer ${await issuer.mint({}, { expiresIn: 2 })}`,
    );
    expect(outcome.opened).toBe(true);
    if (!outcome.opened) return;
    const started = Date.now();
    const [code, reason] = await new Promise<[number, string]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('still open after 15 s')), 15_000);
      outcome.ws.once('close', (closeCode, closeReason) => {
        clearTimeout(timer);
        resolve([closeCode, String(closeReason)]);
      });
    });
    expect([code, reason]).toEqual([TOKEN_EXPIRED_CLOSE_CODE, 'token expired']);
    // exp has one-second resolution: the token had between 1 and 2 s left when it connected.
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });
});

describe('ws verifyClient recipe', () => {
  it('refuses with the status and challenge through verifyClient', async () => {
    const authenticator = requireAuth({
      issuer: issuer.url,
      audience: issuer.audience,
      realm: 'api',
    });
    const server = createServer();
    const auths = new WeakMap<IncomingMessage, AuthContext | undefined>();
    const wss = new WebSocketServer({
      server,
      verifyClient: (info, done) => {
        void authenticator.check(info.req).then((decision) => {
          if (decision.ok) {
            auths.set(info.req, decision.auth);
            return done(true);
          }
          if (!decision.response) return done(false, 500);
          // ws writes its own Content-Type (text/html); the body is still the JSON refusal.
          const { 'content-type': _type, ...headers } = decision.response.headers;
          done(false, decision.response.status, JSON.stringify(decision.response.body), headers);
        });
      },
    });
    wss.on('connection', (ws, request) =>
      ws.send(JSON.stringify({ sub: auths.get(request)?.subject })),
    );
    const host = await listen(server);
    const refused = await connect(`ws://${host}/`, 'Bearer not-a-jwt');
    expect(refused).toMatchObject({ opened: false, status: 401, body: { error: 'invalid_token' } });
    if (!refused.opened)
      expect(refused.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    const ok = await connect(`ws://${host}/`, `Bearer ${await issuer.mint()}`);
    expect(ok).toMatchObject({ opened: true, message: { sub: 'user-123' } });
    if (ok.opened) ok.ws.close();
    wss.close();
  });
});

describe('requireAuth options', () => {
  it("refuses errors: 'delegate' and bad options at construction", () => {
    const base = { issuer: issuer.url, audience: issuer.audience };
    expect(() => requireAuth({ ...base, errors: 'delegate' })).toThrow(GatehouseConfigError);
    expect(() => requireAuth({ ...base, optional: 'yes' } as never)).toThrow(GatehouseConfigError);
    expect(() => requireScopes('two words')).toThrow(GatehouseConfigError);
  });
});
