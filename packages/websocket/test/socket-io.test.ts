import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthContext } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeOnExpiry,
  type RefusalData,
  requireAuth,
  requireScopes,
  socketIoAuth,
} from '../src/index.js';

// A real socket.io server on 127.0.0.1 and real socket.io clients over WebSocket and polling.
let issuer: TestIssuer;
let url: string;
let io: Server;
const clients: Socket[] = [];

beforeAll(async () => {
  issuer = await createTestIssuer();
  const httpServer = createServer();
  io = new Server(httpServer);
  const authenticator = requireAuth({
    issuer: issuer.url,
    audience: issuer.audience,
    realm: 'api',
  });
  io.use(socketIoAuth(authenticator));
  io.of('/chat').use(socketIoAuth(authenticator, requireScopes('chat')));
  const greet = (socket: import('socket.io').Socket) => {
    const auth = socket.data.auth as AuthContext;
    const cancel = closeOnExpiry(auth, () => socket.disconnect(true));
    socket.once('disconnect', cancel);
    socket.emit('hello', auth.subject);
  };
  io.on('connection', greet);
  io.of('/chat').on('connection', greet);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await io.close();
  await issuer.close();
});

type Outcome =
  | { connected: true; hello: string; socket: Socket }
  | { connected: false; message: string; data: RefusalData };

function connect(
  namespace: string,
  options: { header?: string; token?: unknown; transport?: 'websocket' | 'polling' },
): Promise<Outcome> {
  const socket = connectClient(`${url}${namespace}`, {
    transports: [options.transport ?? 'websocket'],
    reconnection: false,
    timeout: 10_000,
    ...(options.header ? { extraHeaders: { authorization: options.header } } : {}),
    ...(options.token === undefined ? {} : { auth: { token: options.token } }),
  });
  clients.push(socket);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer in 10 s')), 10_000);
    socket.once('hello', (hello: string) => {
      clearTimeout(timer);
      resolve({ connected: true, hello, socket });
    });
    socket.once('connect_error', (error: Error & { data?: RefusalData }) => {
      clearTimeout(timer);
      socket.disconnect();
      resolve({ connected: false, message: error.message, data: error.data as RefusalData });
    });
  });
}

describe('socketIoAuth (socket.io handshake middleware)', () => {
  it('accepts a token from the auth payload and from the Authorization header', async () => {
    const token = await issuer.mint();
    expect(await connect('/', { token })).toMatchObject({ connected: true, hello: 'user-123' });
    expect(await connect('/', { header: `Bearer ${token}`, transport: 'polling' })).toMatchObject({
      connected: true,
      hello: 'user-123',
    });
  });

  it('refuses no credentials with the 401 answer and its challenge in err.data', async () => {
    expect(await connect('/', {})).toEqual({
      connected: false,
      message: 'unauthorized',
      data: {
        status: 401,
        error: 'unauthorized',
        error_description: expect.any(String),
        challenge: 'Bearer realm="api"',
      },
    });
  });

  it('refuses a bad token 401 invalid_token, without echoing it', async () => {
    const outcome = await connect('/', { token: 'not-a-jwt' });
    expect(outcome).toMatchObject({
      connected: false,
      message: 'invalid_token',
      data: { status: 401 },
    });
    expect(JSON.stringify(outcome)).not.toContain('not-a-jwt');
  });

  it('refuses header and payload together, or a non-string token, 400 invalid_request (RFC 6750 §2)', async () => {
    const token = await issuer.mint();
    expect(await connect('/', { token, header: `Bearer ${token}` })).toMatchObject({
      connected: false,
      data: { status: 400, error: 'invalid_request' },
    });
    expect(await connect('/', { token: { nested: true } })).toMatchObject({
      connected: false,
      data: { status: 400, error: 'invalid_request' },
    });
  });

  it('applies guards per namespace: 403 insufficient_scope with scope=', async () => {
    const outcome = await connect('/chat', { token: await issuer.mint({ scope: 'read' }) });
    expect(outcome).toMatchObject({
      connected: false,
      data: { status: 403, error: 'insufficient_scope' },
    });
    if (!outcome.connected) expect(outcome.data.challenge).toContain('scope="chat"');
    expect(await connect('/chat', { token: await issuer.mint({ scope: 'chat' }) })).toMatchObject({
      connected: true,
    });
  });

  it('disconnects the socket when its token expires (closeOnExpiry)', async () => {
    const outcome = await connect('/', { token: await issuer.mint({}, { expiresIn: 2 }) });
    if (!outcome.connected) throw new Error('refused');
    const reason = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('still connected after 15 s')), 15_000);
      outcome.socket.once('disconnect', (why) => {
        clearTimeout(timer);
        resolve(why);
      });
    });
    expect(reason).toBe('io server disconnect');
  });
});
