// A WebSocket endpoint protected by Gatehouse: the upgrade is authenticated before `ws` accepts
// it (a refusal is a real HTTP 401/403 with its challenge), and the connection closes when the
// token expires. `pnpm start`, then run the printed commands.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestIssuer } from '@gatehouse/testing';
import {
  closeOnExpiry,
  requireAuth,
  requireScopes,
  TOKEN_EXPIRED_CLOSE_CODE,
} from '@gatehouse/websocket';
import { WebSocketServer } from 'ws';

// Stands in for your authorization server; in production, pass its issuer URL instead.
const issuer = await createTestIssuer();
const authenticator = requireAuth({ issuer: issuer.url, audience: issuer.audience });
const wss = new WebSocketServer({ noServer: true });

const server = createServer((_request, response) => {
  response.writeHead(426, { upgrade: 'websocket' }).end();
});

server.on('upgrade', async (request, socket, head) => {
  const decision = await authenticator.upgrade(request, socket, requireScopes('chat'));
  if (!decision.ok) {
    if (!decision.response) console.error('upgrade failed', decision.error);
    return;
  }
  wss.handleUpgrade(request, socket, head, (ws) => {
    const auth = decision.auth;
    if (!auth) return ws.close();
    const cancel = closeOnExpiry(auth, () => ws.close(TOKEN_EXPIRED_CLOSE_CODE, 'token expired'));
    ws.once('close', cancel);
    ws.on('message', (data) => ws.send(`${auth.subject}: ${String(data)}`));
  });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', async () => {
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const token = await issuer.mint({ scope: 'chat' }, { expiresIn: 60 });
  console.log(`WebSocket example on ${url} (issuer ${issuer.url}); tokens expire in 60 s`);
  console.log(`npx wscat -c ${url} -H "Authorization: Bearer ${token}"`);
  console.log(
    `curl -i -H "Connection: Upgrade" -H "Upgrade: websocket" ${url.replace('ws:', 'http:')}   # 401`,
  );
});

process.once('SIGINT', () => {
  server.close();
  void issuer.close();
});
