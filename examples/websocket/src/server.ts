// Serves the WebSocket example (app.ts) on 127.0.0.1. `pnpm start`, then run the printed
// commands.
import type { AddressInfo } from 'node:net';
import { createTestIssuer } from '@gatehouse/testing';
import { createChatServer } from './app.js';

// Stands in for your authorization server; in production, pass its issuer URL instead.
const issuer = await createTestIssuer();
const server = createChatServer({ issuer: issuer.url, audience: issuer.audience });

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', async () => {
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const http = url.replace('ws:', 'http:');
  const token = await issuer.mint({ scope: 'chat' }, { expiresIn: 60 });
  console.log(`WebSocket example on ${url} (issuer ${issuer.url}); tokens expire in 60 s`);
  console.log(`npx wscat -c ${url} -H "Authorization: Bearer ${token}"`);
  console.log(`curl -i -H "Connection: Upgrade" -H "Upgrade: websocket" ${http}   # 401`);
  console.log(`curl ${http}/ready`);
});

process.once('SIGINT', () => {
  server.close();
  void issuer.close();
});
