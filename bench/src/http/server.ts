import type { ServerConfig, ServerMessage, StartServer } from './server-config.js';

const send = (message: ServerMessage) => process.send?.(message);

/** Loads only the named contender's framework, so a server process carries nothing else. */
async function findApp(name: string): Promise<StartServer | undefined> {
  const framework = name.split('+')[0];
  if (framework === 'express') return (await import('./express-apps.js')).expressApps[name];
  if (framework === 'koa') return (await import('./koa-apps.js')).koaApps[name];
  if (framework === 'fastify') return (await import('./fastify-apps.js')).fastifyApps[name];
  if (framework === 'hono') return (await import('./hono-apps.js')).honoApps[name];
  return undefined;
}

/**
 * Entry of one server process: `server.ts <contender> <config json>`. Answers the parent's
 * 'usage' requests with its CPU time so the parent can report server CPU per request.
 */
async function main() {
  const [name, json] = process.argv.slice(2);
  const start = name ? await findApp(name) : undefined;
  if (!start || !json) throw new Error(`unknown contender ${name}`);
  const port = await start(JSON.parse(json) as ServerConfig);
  process.on('message', (message: { type?: string }) => {
    if (message.type !== 'usage') return;
    const { user, system } = process.cpuUsage();
    send({ type: 'usage', cpuMicros: user + system, rss: process.memoryUsage.rss() });
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready', port });
}

if (process.send) {
  main().catch((error: Error) => {
    send({ type: 'failed', message: error.message });
    process.exit(1);
  });
}
