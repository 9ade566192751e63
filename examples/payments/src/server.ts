// Serves the payments example (app.ts) on 127.0.0.1 next to an embedded authorization server.
// `pnpm start`, then run the printed commands.
import type { AddressInfo } from 'node:net';
import { createPaymentsApp, MFA } from './app.js';
import { startAuthorizationServer } from './authorization-server.js';

const as = await startAuthorizationServer();
const app = createPaymentsApp({
  issuer: as.issuer,
  audience: as.audience,
  clientId: as.client.id,
  clientSecret: as.client.secret,
  introspectionEndpoint: as.introspectionEndpoint,
  revocationDelay: '5s',
});

const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', async () => {
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const opaque = as.issueOpaque({ scope: 'accounts:read' });
  const revoked = as.issueOpaque({ scope: 'accounts:read' });
  as.revoke(revoked);
  const password = await as.issueJwt({ scope: 'payments:write', acr: 'urn:example:pwd' });
  const mfa = await as.issueJwt({
    scope: 'payments:write',
    acr: MFA,
    auth_time: Math.floor(Date.now() / 1000),
  });
  const post = `-X POST -H 'content-type: application/json' -d '{"amount":100}'`;
  console.log(`payments API on ${url} (issuer ${as.issuer}); revocation takes effect within 5 s`);
  console.log(
    `curl -i -H "Authorization: Bearer ${opaque}" ${url}/api/accounts      # 200, opaque token`,
  );
  console.log(
    `curl -i -H "Authorization: Bearer ${revoked}" ${url}/api/accounts     # 401, revoked`,
  );
  console.log(
    `curl -i ${post} -H "Authorization: Bearer ${password}" ${url}/api/transfers   # 401 step-up`,
  );
  console.log(`curl -i ${post} -H "Authorization: Bearer ${mfa}" ${url}/api/transfers   # 201`);
});

process.once('SIGINT', () => {
  server.close();
  void as.close();
});
