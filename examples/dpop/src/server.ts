// An Express API that requires DPoP-bound tokens (RFC 9449) with server nonces, and a client
// that walks through what it answers. `pnpm start` (set REDIS_URL to share replay state through
// Redis, as several instances must). It prints each exchange, then exits; `KEEP_RUNNING=1` keeps
// the API up.
import { randomBytes } from 'node:crypto';
import { requireAuth } from '@gatehouse/express';
import { createRedisStore } from '@gatehouse/redis';
import { createDpopKey, createTestIssuer } from '@gatehouse/testing';
import express from 'express';

// Stands in for your authorization server, which binds tokens to the client's key (cnf.jkt).
const issuer = await createTestIssuer();
const replayStore = process.env.REDIS_URL
  ? createRedisStore({ url: process.env.REDIS_URL })
  : undefined;
await replayStore?.ready();

const app = express();
app.use(
  requireAuth({
    issuer: issuer.url,
    audience: issuer.audience,
    dpop: {
      required: true,
      // The same secret on every instance: nonces are stateless.
      nonce: { secret: process.env.DPOP_NONCE_SECRET ?? randomBytes(32).toString('base64url') },
      ...(replayStore ? { replayStore } : {}),
    },
  }),
);
app.get('/accounts', (req, res) => {
  res.json({ subject: req.auth?.subject, boundTo: req.auth?.dpop?.jkt });
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const address = server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : ''}/accounts`;
console.log(`DPoP example API on ${url} (issuer ${issuer.url})`);

// The client: its own key pair, and a token the authorization server bound to it.
const client = await createDpopKey('ES256');
const token = await issuer.mint({ cnf: { jkt: client.jkt } });

async function show(title: string, headers: Record<string, string>) {
  const response = await fetch(url, { headers });
  console.log(`\n# ${title}\n→ ${response.status} ${await response.text()}`);
  const challenge = response.headers.get('www-authenticate');
  if (challenge) console.log(`  WWW-Authenticate: ${challenge}`);
  const nonce = response.headers.get('dpop-nonce');
  if (nonce) console.log(`  DPoP-Nonce: ${nonce}`);
  return nonce;
}

const nonce = await show('1. DPoP token and proof, no nonce yet', {
  authorization: `DPoP ${token}`,
  dpop: client.proof({ method: 'GET', url, accessToken: token }),
});
const proof = client.proof({ method: 'GET', url, accessToken: token, nonce: nonce ?? '' });
await show('2. again, with the server nonce', { authorization: `DPoP ${token}`, dpop: proof });
await show('3. the same proof replayed', { authorization: `DPoP ${token}`, dpop: proof });
await show('4. the token alone, as Bearer', { authorization: `Bearer ${token}` });

if (!process.env.KEEP_RUNNING) {
  server.close();
  await replayStore?.close();
  await issuer.close();
}
