// A WebSocket chat endpoint protected by Gatehouse: the upgrade is authenticated before `ws`
// accepts it (a refusal is a real HTTP 401/403 with its challenge), a connection closes when its
// token expires, and GET /ready reports the authenticator's health(). `server.ts` serves it;
// tests call `createChatServer` too.
import { createServer, type Server } from 'node:http';
import {
  closeOnExpiry,
  requireAuth,
  requireScopes,
  TOKEN_EXPIRED_CLOSE_CODE,
} from '@gatehouse/websocket';
import { WebSocketServer } from 'ws';

/** The server for one authorization server (`issuer`) and this API's `audience`; not listening. */
export function createChatServer(options: { issuer: string; audience: string }): Server {
  // One authenticator per server: its verifier (and token cache) serves every upgrade.
  const authenticator = requireAuth(options);
  const wss = new WebSocketServer({ noServer: true });

  // Plain HTTP: the readiness route, and 426 for anything else (this server speaks WebSocket).
  const server = createServer((request, response) => {
    if (request.url !== '/ready')
      return void response.writeHead(426, { upgrade: 'websocket' }).end();
    const health = authenticator.health();
    response.writeHead(health.ready ? 200 : 503, { 'content-type': 'application/json' });
    response.end(JSON.stringify(health));
  });

  server.on('upgrade', async (request, socket, head) => {
    const decision = await authenticator.upgrade(request, socket, requireScopes('chat'));
    if (!decision.ok) {
      // The HTTP refusal is written and the socket closed; only a resolveUser error lands here.
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

  server.once('close', () => wss.close());
  return server;
}
