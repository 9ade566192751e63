import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createApp } from './app.js';
import { openDatabase } from './db.js';
import { renderGuide } from './guide.js';
import { DEMO_AUDIENCE, obtainDemoTokens, startDemoIssuer } from './issuer.js';

const HOST = '127.0.0.1';
const DEFAULT_PORT = 3000;

/** Listens on `port`; when the default port is taken, on any free port instead. */
async function listen(app: Express, port: number, fallback: boolean): Promise<Server> {
  try {
    return await new Promise<Server>((resolve, reject) => {
      const server = app.listen(port, HOST, (error?: Error) =>
        error ? reject(error) : resolve(server),
      );
      server.once('error', reject);
    });
  } catch (error) {
    if (fallback && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.warn(`Port ${port} is taken; using a free port instead.`);
      return listen(app, 0, false);
    }
    throw error;
  }
}

async function main(): Promise<void> {
  const requestedPort = process.env['PORT'];
  const port = requestedPort === undefined ? DEFAULT_PORT : Number(requestedPort);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`PORT must be a port number, got ${JSON.stringify(requestedPort)}`);
  }
  const databaseUrl = process.env['DATABASE_URL'] || undefined;

  const { issuer, client } = await startDemoIssuer();
  const db = await openDatabase(databaseUrl);
  const app = createApp({ verifierOptions: { issuer: issuer.url, audience: DEMO_AUDIENCE }, db });
  const server = await listen(app, port, requestedPort === undefined);
  const apiUrl = `http://${HOST}:${(server.address() as AddressInfo).port}`;

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the demo.`);
    try {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await issuer.close();
      await db.close();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  console.log(
    renderGuide({
      apiUrl,
      issuerUrl: issuer.url,
      tokenEndpoint: issuer.tokenEndpoint,
      database:
        db.kind === 'pglite'
          ? 'PGlite (PostgreSQL in-process, in memory; set DATABASE_URL to use a PostgreSQL server)'
          : 'PostgreSQL from DATABASE_URL',
      tokens: await obtainDemoTokens(issuer, client),
      client,
    }),
  );
}

main().catch((error: unknown) => {
  console.error('The demo could not start:', error);
  process.exit(1);
});
