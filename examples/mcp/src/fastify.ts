// The same MCP server mounted in Fastify: the metadata plugin at the root, the gatehouse plugin
// in the MCP route's own context, and a preHandler that asks each called tool's scope.
import {
  type GuardHook,
  gatehouse,
  getAuth,
  protectedResourceMetadata,
  requireScopes,
} from '@gatehouse/fastify';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import {
  handleMcp,
  type McpAppOptions,
  type Notes,
  notesMetadata,
  TOOL_SCOPES,
  toolsCalled,
} from './notes.js';

const toolGuards = new Map<string, GuardHook>(
  Object.entries(TOOL_SCOPES).map(([tool, scope]) => [tool, requireScopes(scope)]),
);

export async function createMcpFastifyApp(
  options: McpAppOptions,
  fastifyOptions: FastifyServerOptions = {},
): Promise<FastifyInstance> {
  const metadata = notesMetadata(options);
  const notes: Notes = [];
  const app = Fastify(fastifyOptions);
  await app.register(protectedResourceMetadata, metadata);
  await app.register(async (mcp) => {
    await mcp.register(gatehouse, {
      issuer: options.issuer,
      audience: options.resource,
      resourceMetadata: metadata,
    });
    const preHandler: GuardHook = async (request, reply) => {
      for (const tool of toolsCalled(request.body)) {
        await toolGuards.get(tool)?.(request, reply);
        if (reply.sent) return reply;
      }
      return undefined;
    };
    mcp.post(
      new URL(options.resource).pathname,
      { preHandler },
      async (request: FastifyRequest, reply: FastifyReply) => {
        reply.hijack(); // the SDK transport writes the response itself
        await handleMcp(notes, getAuth(request), request.raw, reply.raw, request.body);
      },
    );
  });
  return app;
}
