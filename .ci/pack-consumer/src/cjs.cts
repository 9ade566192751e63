// CommonJS consumer of the packed packages (see .ci/pack-check): compiled to require() calls,
// which load the ESM packages on Node >= 20.19 (require(esm)).
import assert = require('node:assert/strict');
import core = require('@gatehouse/core');
import expressAdapter = require('@gatehouse/express');
import testing = require('@gatehouse/testing');
import express = require('express');

async function main(): Promise<void> {
  const issuer = await testing.createTestIssuer();
  const options = { issuer: issuer.url, audience: issuer.audience };
  const token = await issuer.mint({ sub: 'bob' });
  const auth = await core.createVerifier(options).verify(token);
  assert.equal(auth.subject, 'bob');

  const app = express().get('/me', expressAdapter.requireAuth(options), (req, res) => {
    res.json({ sub: req.auth?.subject });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  const answer = await fetch(`http://127.0.0.1:${address.port}/me`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(answer.status, 200);
  assert.deepEqual(await answer.json(), { sub: 'bob' });
  server.close();
  await issuer.close();
  console.log('CommonJS consumer: core and Express verified a token from @gatehouse/testing');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
