// One API instance of the instances bench: Express + Gatehouse requiring DPoP, replay state in
// the bench's Redis, listening on the unix socket SOCKET. Prints "ready" once listening.
import { requireAuth } from '@gatehouse/express';
import { createRedisStore } from '@gatehouse/redis';
import express from 'express';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const replayStore = createRedisStore({ url: env('REDIS_URL') });
await replayStore.ready();
const app = express();
app.use(
  requireAuth({
    issuer: env('ISSUER'),
    audience: env('AUDIENCE'),
    dpop: { required: true, replayStore, origin: env('ORIGIN') },
  }),
);
app.get('/', (req, res) => {
  res.json({ sub: req.auth?.subject });
});
app.listen(env('SOCKET'), () => process.stdout.write('ready\n'));
