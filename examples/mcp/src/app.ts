// An MCP server (Streamable HTTP, official SDK) in Express, protected by Gatehouse as the MCP
// authorization specification asks: RFC 9728 metadata served and named in every 401, tokens
// accepted only for this server's canonical URI (RFC 8707 audience), and one scope per tool
// (403 insufficient_scope naming it). `createMcpApp` is what `server.ts` runs and the test drives.
import type { IncomingMessage } from 'node:http';
import { getAuth, protectedResourceMetadata, requireAuth, requireScopes } from '@gatehouse/express';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import {
  handleMcp,
  type McpAppOptions,
  type Notes,
  notesMetadata,
  TOOL_SCOPES,
  toolsCalled,
} from './notes.js';

export { type McpAppOptions, TOOL_SCOPES } from './notes.js';

export function createMcpApp(options: McpAppOptions): express.Express {
  const metadata = notesMetadata(options);
  const notes: Notes = [];
  const app = express();
  app.use(protectedResourceMetadata(metadata));
  // Authenticate before the body is even parsed; the audience is this server's URI only.
  const endpoint = new URL(options.resource).pathname;
  app.use(
    endpoint,
    requireAuth({ issuer: options.issuer, audience: options.resource, resourceMetadata: metadata }),
  );
  app.post(endpoint, express.json({ limit: '100kb' }), requireToolScopes, async (req, res) => {
    await handleMcp(notes, getAuth(req), req as IncomingMessage, res, req.body);
  });
  app.all(endpoint, (_req, res) => {
    res.status(405).set('allow', 'POST').json({ error: 'method_not_allowed' });
  });
  app.use(jsonRpcParseError);
  return app;
}

const toolGuards = new Map<string, RequestHandler>(
  Object.entries(TOOL_SCOPES).map(([tool, scope]) => [tool, requireScopes(scope)]),
);

/** Runs `requireScopes(<scope>)` for every tool the request calls, in order. */
const requireToolScopes: RequestHandler = (req, res, next) => {
  const guards = toolsCalled(req.body).map((tool) => toolGuards.get(tool) as RequestHandler);
  const run = (index: number, error?: unknown): void => {
    const guard = guards[index];
    if (error !== undefined || guard === undefined) next(error);
    else guard(req, res, (failure?: unknown) => run(index + 1, failure));
  };
  run(0);
};

/** A body that is not JSON gets the JSON-RPC parse error, not Express's HTML page. */
const jsonRpcParseError: ErrorRequestHandler = (error, _req, res, next) => {
  if ((error as { type?: unknown }).type !== 'entity.parse.failed') return next(error);
  res
    .status(400)
    .json({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
};
