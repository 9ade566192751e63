// One instance of a DPoP-protected Express API as a deployment runs it: configured from the
// environment, listening on a unix socket behind a load balancer, sharing replay state through
// Redis and (with NONCE_SECRET) server nonces through a common secret. The load-balanced
// deployment test (test/deployment) and the instances bench run it.
import { requireAuth } from '@gatehouse/express';
import { createRedisStore } from '@gatehouse/redis';
import express from 'express';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const replayStore = createRedisStore({ url: env('REDIS_URL') });
await replayStore.ready();

const app = express();
app.get('/health', (_req, res) => {
  res.send('ok');
});
app.use(
  requireAuth({
    issuer: env('ISSUER'),
    audience: env('AUDIENCE'),
    dpop: {
      required: true,
      replayStore,
      origin: env('PUBLIC_ORIGIN'),
      ...(process.env.NONCE_SECRET ? { nonce: { secret: process.env.NONCE_SECRET } } : {}),
    },
  }),
);
app.get('/accounts', (req, res) => {
  res.json({ instance: env('INSTANCE'), subject: req.auth?.subject });
});

const server = app.listen(env('SOCKET'), () => {
  process.stdout.write('ready\n');
});
process.once('SIGTERM', () => {
  server.close(() => void replayStore.close().then(() => process.exit(0)));
});
