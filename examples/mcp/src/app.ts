// An MCP server (Streamable HTTP, official SDK) protected by Gatehouse, as the MCP authorization
// specification asks: RFC 9728 metadata served and named in every 401, tokens accepted only for
// this server's canonical URI (RFC 8707 audience), and one scope per tool (403 insufficient_scope
// naming it). `createMcpApp` is what `server.ts` runs and what the test drives.
import type { IncomingMessage } from 'node:http';
import { type AuthContext, createResourceMetadata } from '@gatehouse/core';
import { getAuth, protectedResourceMetadata, requireAuth, requireScopes } from '@gatehouse/express';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import express, { type RequestHandler } from 'express';
import { z } from 'zod';

/** The scope each tool needs: one tool per scope. */
export const TOOL_SCOPES = { read_notes: 'notes:read', add_note: 'notes:write' } as const;

export interface McpAppOptions {
  /** Your authorization server's issuer identifier. */
  issuer: string;
  /** This MCP server's canonical URI (where clients POST), e.g. `https://mcp.example.com/mcp`. */
  resource: string;
}

export function createMcpApp({ issuer, resource }: McpAppOptions): express.Express {
  const metadata = createResourceMetadata({
    resource,
    authorizationServers: [issuer],
    scopesSupported: Object.values(TOOL_SCOPES),
    resourceName: 'Gatehouse notes (MCP example)',
  });
  const notes: { author: string | undefined; text: string }[] = [];
  const app = express();
  app.use(protectedResourceMetadata(metadata));
  // Authenticate before the body is even parsed; the audience is this server's URI only.
  const endpoint = new URL(resource).pathname;
  app.use(endpoint, requireAuth({ issuer, audience: resource, resourceMetadata: metadata }));
  app.post(endpoint, express.json({ limit: '100kb' }), requireToolScopes, async (req, res) => {
    // Stateless Streamable HTTP: one server and transport per request, tools see `auth`.
    const server = notesServer(notes, getAuth(req));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req as IncomingMessage, res, req.body);
  });
  app.all(endpoint, (_req, res) => {
    res.status(405).set('allow', 'POST').json({ error: 'method_not_allowed' });
  });
  return app;
}

function notesServer(
  notes: { author: string | undefined; text: string }[],
  auth: AuthContext | undefined,
): McpServer {
  const server = new McpServer({ name: 'gatehouse-notes', version: '1.0.0' });
  server.registerTool(
    'read_notes',
    { description: `Lists the notes (needs ${TOOL_SCOPES.read_notes}).` },
    async () => ({ content: [{ type: 'text', text: JSON.stringify(notes) }] }),
  );
  server.registerTool(
    'add_note',
    {
      description: `Adds a note (needs ${TOOL_SCOPES.add_note}).`,
      inputSchema: { text: z.string().min(1).max(500) },
    },
    async ({ text }) => {
      notes.push({ author: auth?.subject, text });
      return { content: [{ type: 'text', text: `noted for ${auth?.subject ?? 'a client'}` }] };
    },
  );
  return server;
}

const toolGuards = new Map<string, RequestHandler>(
  Object.entries(TOOL_SCOPES).map(([tool, scope]) => [tool, requireScopes(scope)]),
);

/**
 * A `tools/call` for a tool is refused with 403 `insufficient_scope` naming its scope (RFC 6750
 * §3.1; MCP "scope challenge"), before the MCP server sees it. A JSON-RPC batch needs the scope
 * of every tool it calls.
 */
const requireToolScopes: RequestHandler = (req, res, next) => {
  const messages: unknown[] = Array.isArray(req.body) ? req.body : [req.body];
  const guards = messages.flatMap((message) => {
    const call = message as { method?: unknown; params?: { name?: unknown } } | null;
    const guard =
      call?.method === 'tools/call' ? toolGuards.get(String(call.params?.name)) : undefined;
    return guard ? [guard] : [];
  });
  const run = (index: number, error?: unknown): void => {
    const guard = guards[index];
    if (error !== undefined || guard === undefined) next(error);
    else guard(req, res, (failure?: unknown) => run(index + 1, failure));
  };
  run(0);
};
