import { once } from 'node:events';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type OAuthClientProvider,
  UnauthorizedError,
} from '@modelcontextprotocol/sdk/client/auth.js';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type {
  OAuthClientInformationMixed,
  OAuthTokens,
} from '@modelcontextprotocol/sdk/shared/auth.js';
import type { Configuration } from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpApp, TOOL_SCOPES } from '../../examples/mcp/src/app.js';
import { createMcpFastifyApp } from '../../examples/mcp/src/fastify.js';
import { parseChallenge } from '../behaviour/challenge.js';
import { clientCredentialsToken, connectClient, followRedirects } from './support/client.js';
import { OTHER_RESOURCE, type RunningProvider, startProvider, USER } from './support/provider.js';

// examples/mcp end to end: the official MCP SDK client, with its own OAuth support (RFC 9728
// discovery from the 401, RFC 8414/OIDC discovery, PKCE, RFC 8707 resource), against
// oidc-provider; Gatehouse in front of the SDK's Streamable HTTP server.

const READ = TOOL_SCOPES.read_notes;
const WRITE = TOOL_SCOPES.add_note;

const FRAMEWORKS = ['express', 'fastify'] as const;
type Framework = (typeof FRAMEWORKS)[number];

/** The example app in each framework, as a request listener for a server already listening. */
const MOUNTS: Record<Framework, (issuer: string, resource: string) => Promise<RequestListener>> = {
  express: async (issuer, resource) => createMcpApp({ issuer, resource }),
  async fastify(issuer, resource) {
    let listener: RequestListener | undefined;
    const app = await createMcpFastifyApp(
      { issuer, resource },
      {
        serverFactory: (handler) => {
          listener = handler;
          return createServer();
        },
      },
    );
    await app.ready();
    return listener as RequestListener;
  },
};

const servers = {} as Record<Framework, { server: Server; resource: string }>;
let provider: RunningProvider;
let machine: Configuration;

beforeAll(async () => {
  // Listen first: the canonical URI (with its port) is the resource the provider issues for.
  for (const framework of FRAMEWORKS) {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const resource = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
    servers[framework] = { server, resource };
  }
  provider = await startProvider(
    Object.fromEntries(FRAMEWORKS.map((framework) => [servers[framework].resource, [READ, WRITE]])),
  );
  for (const framework of FRAMEWORKS) {
    const { server, resource } = servers[framework];
    server.on('request', await MOUNTS[framework](provider.issuer, resource));
  }
  machine = await connectClient(provider);
});

afterAll(async () => {
  for (const { server } of Object.values(servers)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await provider?.close();
});

/** What a real MCP host keeps between runs, in memory; the browser is `followRedirects`. */
class HeadlessOAuthProvider implements OAuthClientProvider {
  authorizationUrl: URL | undefined;
  #tokens: OAuthTokens | undefined;
  #verifier = '';
  constructor(private readonly registered: { id: string; secret: string; redirectUri: string }) {}
  get redirectUrl() {
    return this.registered.redirectUri;
  }
  get clientMetadata() {
    return { redirect_uris: [this.registered.redirectUri], client_name: 'gatehouse-mcp-test' };
  }
  clientInformation(): OAuthClientInformationMixed {
    return { client_id: this.registered.id, client_secret: this.registered.secret };
  }
  tokens() {
    return this.#tokens;
  }
  saveTokens(tokens: OAuthTokens) {
    this.#tokens = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.#verifier = verifier;
  }
  codeVerifier() {
    return this.#verifier;
  }
}

const connect = async (
  resource: string,
  options: ConstructorParameters<typeof StreamableHTTPClientTransport>[1],
) => {
  const client = new Client({ name: 'gatehouse-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(resource), options));
  return client;
};

/** A raw JSON-RPC `tools/call`, to read the HTTP answer itself. */
const callTool = (
  resource: string,
  token: string,
  name: string,
  args: Record<string, unknown> = {},
) =>
  fetch(resource, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name, arguments: args },
    }),
    signal: AbortSignal.timeout(5000),
  });

describe.each(FRAMEWORKS)(
  'examples/mcp in %s, with the MCP SDK client and oidc-provider',
  (framework) => {
    const resourceOf = () => servers[framework].resource;

    it("the SDK's OAuth flow: 401 → metadata → oidc-provider (PKCE, resource) → tools work", async () => {
      const oauth = new HeadlessOAuthProvider(provider.client);
      // First attempt: no token; the SDK discovers everything from the 401 and asks to redirect.
      await expect(connect(resourceOf(), { authProvider: oauth })).rejects.toBeInstanceOf(
        UnauthorizedError,
      );
      const authorizationUrl = oauth.authorizationUrl!;
      expect(authorizationUrl.href.startsWith(provider.issuer)).toBe(true);
      expect(authorizationUrl.searchParams.get('resource')).toBe(resourceOf());
      expect(authorizationUrl.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorizationUrl.searchParams.get('scope')).toBe(`${READ} ${WRITE}`);

      const callback = await followRedirects(authorizationUrl, provider.client.redirectUri);
      const transport = new StreamableHTTPClientTransport(new URL(resourceOf()), {
        authProvider: oauth,
      });
      await transport.finishAuth(callback.searchParams.get('code')!);

      const client = await connect(resourceOf(), { authProvider: oauth });
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual(['add_note', 'read_notes']);
      const added = await client.callTool({ name: 'add_note', arguments: { text: 'hello' } });
      expect(added.content).toEqual([{ type: 'text', text: `noted for ${USER}` }]);
      const read = await client.callTool({ name: 'read_notes', arguments: {} });
      expect(read.content).toEqual([
        { type: 'text', text: JSON.stringify([{ author: USER, text: 'hello' }]) },
      ]);
      await client.close();
    });

    it('a tool without its scope → 403 insufficient_scope naming it; the other tool works', async () => {
      const readOnly = await clientCredentialsToken(machine, READ, resourceOf());
      const refused = await callTool(resourceOf(), readOnly, 'add_note', { text: 'nope' });
      expect(refused.status).toBe(403);
      const challenge = parseChallenge(refused.headers.get('www-authenticate') ?? '');
      expect(challenge.params.error).toBe('insufficient_scope');
      expect(challenge.params.scope).toBe(WRITE);
      expect(challenge.params.resource_metadata).toBe(
        `${new URL(resourceOf()).origin}/.well-known/oauth-protected-resource/mcp`,
      );

      const client = await connect(resourceOf(), {
        requestInit: { headers: { authorization: `Bearer ${readOnly}` } },
      });
      const read = await client.callTool({ name: 'read_notes', arguments: {} });
      expect(read.isError).toBeFalsy();
      // The SDK surfaces the HTTP refusal as such (no authProvider here to step up with).
      await expect(
        client.callTool({ name: 'add_note', arguments: { text: 'nope' } }),
      ).rejects.toMatchObject({
        code: 403,
        message: expect.stringContaining('insufficient_scope'),
      });
      await client.close();
    });

    it('a token the same provider issued for another resource is refused (audience)', async () => {
      const elsewhere = await clientCredentialsToken(machine, 'ledger:read', OTHER_RESOURCE);
      const refused = await callTool(resourceOf(), elsewhere, 'read_notes');
      expect(refused.status).toBe(401);
      expect(parseChallenge(refused.headers.get('www-authenticate') ?? '').params.error).toBe(
        'invalid_token',
      );
    });

    it('a body that is not JSON, with a good token → 400, never a 500', async () => {
      const token = await clientCredentialsToken(machine, READ, resourceOf());
      const answer = await fetch(resourceOf(), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"jsonrpc":',
        signal: AbortSignal.timeout(5000),
      });
      expect(answer.status).toBe(400);
    });

    it('serves its RFC 9728 document at the path-aware well-known URL', async () => {
      const url = `${new URL(resourceOf()).origin}/.well-known/oauth-protected-resource/mcp`;
      const answer = await fetch(url, { signal: AbortSignal.timeout(5000) });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({
        resource: resourceOf(),
        authorization_servers: [provider.issuer],
        scopes_supported: [READ, WRITE],
        bearer_methods_supported: ['header'],
      });
    });
  },
);
