// What the MCP server does, independent of the web framework: its tools, the scope each needs,
// its RFC 9728 metadata, and which tools a JSON-RPC request calls.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AuthContext, createResourceMetadata, type ResourceMetadata } from '@gatehouse/core';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

/** The scope each tool needs: one tool per scope. */
export const TOOL_SCOPES = { read_notes: 'notes:read', add_note: 'notes:write' } as const;

export interface McpAppOptions {
  /** Your authorization server's issuer identifier. */
  issuer: string;
  /** This MCP server's canonical URI (where clients POST), e.g. `https://mcp.example.com/mcp`. */
  resource: string;
}

/** The metadata document: clients find the authorization server and the scopes here. */
export const notesMetadata = ({ issuer, resource }: McpAppOptions): ResourceMetadata =>
  createResourceMetadata({
    resource,
    authorizationServers: [issuer],
    scopesSupported: Object.values(TOOL_SCOPES),
    resourceName: 'Gatehouse notes (MCP example)',
  });

export type Notes = { author: string | undefined; text: string }[];

/**
 * Answers one Streamable HTTP request, statelessly: a fresh `McpServer` and transport, whose
 * tools see the request's `AuthContext`.
 */
export async function handleMcp(
  notes: Notes,
  auth: AuthContext | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  body: unknown,
): Promise<void> {
  const server = notesServer(notes, auth);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on('close', () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res, body);
}

function notesServer(notes: Notes, auth: AuthContext | undefined): McpServer {
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

/**
 * The tools a JSON-RPC message (or batch) calls, known to this server: each needs its scope
 * before the MCP server runs (403 `insufficient_scope` naming it, RFC 6750 §3.1).
 */
export function toolsCalled(body: unknown): (keyof typeof TOOL_SCOPES)[] {
  const messages: unknown[] = Array.isArray(body) ? body : [body];
  return messages.flatMap((message) => {
    const call = message as { method?: unknown; params?: { name?: unknown } } | null;
    const name = call?.method === 'tools/call' ? call.params?.name : undefined;
    return typeof name === 'string' && Object.hasOwn(TOOL_SCOPES, name)
      ? [name as keyof typeof TOOL_SCOPES]
      : [];
  });
}
