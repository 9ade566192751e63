import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Guard } from '@gatehouse/core/adapter';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { requireAnyRole, requireAuth, requireAuthentication, requireRoles } from '../src/index.js';

// The role and step-up guards on real upgrades (a real `ws` client): the answers every adapter
// gives, as HTTP refusals before the WebSocket handshake.
let issuer: TestIssuer;
let server: Server;
let base: string;
const ROUTES: Record<string, Guard[]> = {
  '/billing': [requireRoles('billing', 'manager')],
  '/audit': [requireAnyRole('auditor', 'admin')],
  '/mfa': [requireAuthentication({ acr: ['mfa'] })],
};

beforeAll(async () => {
  issuer = await createTestIssuer();
  const authenticator = requireAuth({
    issuer: issuer.url,
    audience: issuer.audience,
    roles: 'roles',
  });
  const wss = new WebSocketServer({ noServer: true });
  server = createServer();
  server.on('upgrade', async (request, socket, head) => {
    const decision = await authenticator.upgrade(
      request,
      socket,
      ...(ROUTES[request.url ?? ''] ?? []),
    );
    if (decision.ok) wss.handleUpgrade(request, socket, head, (ws) => ws.close(1000));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await issuer.close();
});

/** 101 when the connection opened, else the refusal's status and challenge. */
const open = (path: string, claims: Record<string, unknown>) =>
  issuer.mint(claims).then(
    (token) =>
      new Promise<{ status: number; challenge?: string }>((resolve, reject) => {
        const ws = new WebSocket(`${base}${path}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        ws.once('open', () => resolve({ status: 101 }));
        ws.once('unexpected-response', (_request, response) => {
          resolve({
            status: response.statusCode ?? 0,
            challenge: String(response.headers['www-authenticate']),
          });
          response.destroy();
        });
        ws.once('error', reject);
      }),
  );

describe('@gatehouse/websocket role and step-up guards', () => {
  it('requireRoles / requireAnyRole: 403 insufficient_scope without scope=, or the connection opens', async () => {
    expect(await open('/billing', { roles: ['billing', 'manager'] })).toEqual({ status: 101 });
    const refused = await open('/billing', { roles: ['billing'] });
    expect(refused.status).toBe(403);
    expect(refused.challenge).toMatch(/^Bearer error="insufficient_scope"/);
    expect(refused.challenge).not.toContain('scope=');
    expect(await open('/audit', { roles: ['admin'] })).toEqual({ status: 101 });
    expect((await open('/audit', { roles: ['reader'] })).status).toBe(403);
  });

  it('requireAuthentication: 401 insufficient_user_authentication with acr_values (RFC 9470)', async () => {
    const refused = await open('/mfa', { acr: 'pwd' });
    expect(refused.status).toBe(401);
    expect(refused.challenge).toMatch(/error="insufficient_user_authentication"/);
    expect(refused.challenge).toContain('acr_values="mfa"');
    expect(await open('/mfa', { acr: 'mfa' })).toEqual({ status: 101 });
  });
});
