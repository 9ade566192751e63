// Serves handler.ts with the runtime's own server: `Bun.serve` under Bun, `Deno.serve` under
// Deno (the code is the same; only the serve call differs). Reads OAUTH_ISSUER and
// OAUTH_AUDIENCE, listens on 127.0.0.1 (PORT, default a free port) and prints `listening <port>`.
//   bun src/other-runtimes.ts
//   deno run --allow-env --allow-net --allow-read --unstable-sloppy-imports src/other-runtimes.ts
import { createHandler } from './handler.js';

interface Runtime {
  Bun?: { serve(options: { fetch: Handler; hostname: string; port: number }): { port: number } };
  Deno?: {
    serve(
      options: { hostname: string; port: number; onListen(address: { port: number }): void },
      handler: Handler,
    ): unknown;
  };
}
type Handler = (request: Request) => Promise<Response>;

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const fetch = createHandler({ issuer: env('OAUTH_ISSUER'), audience: env('OAUTH_AUDIENCE') });
const port = Number(process.env.PORT ?? 0);
const runtime = globalThis as Runtime;

if (runtime.Bun) {
  const server = runtime.Bun.serve({ fetch, hostname: '127.0.0.1', port });
  console.log(`listening ${server.port}`);
} else if (runtime.Deno) {
  runtime.Deno.serve(
    { hostname: '127.0.0.1', port, onListen: ({ port }) => console.log(`listening ${port}`) },
    fetch,
  );
} else {
  throw new Error('run this file with bun or deno (on Node, use server.ts)');
}
