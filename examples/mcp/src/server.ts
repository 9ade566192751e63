// `pnpm start`: the MCP example on 127.0.0.1 with a local test issuer standing in for your
// authorization server. Prints the metadata URL and tokens to try with curl or an MCP client.
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestIssuer } from '@gatehouse/testing';
import { createMcpApp, TOOL_SCOPES } from './app.js';

const server = createServer();
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
await once(server, 'listening');
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
// The canonical URI clients connect to; tokens must be issued for exactly this audience.
const resource = `${origin}/mcp`;
const issuer = await createTestIssuer({ audience: resource });
server.on('request', createMcpApp({ issuer: issuer.url, resource }));

const reader = await issuer.mint({ scope: TOOL_SCOPES.read_notes });
const writer = await issuer.mint({ scope: Object.values(TOOL_SCOPES).join(' ') });
console.log(`MCP server at ${resource} (issuer ${issuer.url})`);
console.log(`curl ${origin}/.well-known/oauth-protected-resource/mcp`);
console.log(`curl -i -X POST ${resource}   # 401 with resource_metadata`);
console.log(`read-only token (add_note → 403 insufficient_scope): ${reader}`);
console.log(`read-write token: ${writer}`);

process.once('SIGINT', () => {
  server.close();
  void issuer.close();
});
