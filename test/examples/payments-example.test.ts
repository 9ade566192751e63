import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPaymentsApp, MFA } from '../../examples/payments/src/app.js';
import {
  type EmbeddedAuthorizationServer,
  startAuthorizationServer,
} from '../../examples/payments/src/authorization-server.js';

// examples/payments against its embedded authorization server: it answers as its README says.
let as: EmbeddedAuthorizationServer;
let app: ReturnType<typeof createPaymentsApp>;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  as = await startAuthorizationServer();
  app = createPaymentsApp({
    issuer: as.issuer,
    audience: as.audience,
    clientId: as.client.id,
    clientSecret: as.client.secret,
    introspectionEndpoint: as.introspectionEndpoint,
    revocationDelay: '1s',
  });
});
afterAll(async () => {
  await as.close();
});

const accounts = (token: string) =>
  request(app).get('/api/accounts').set('authorization', `Bearer ${token}`);
const transfer = (token: string) =>
  request(app).post('/api/transfers').set('authorization', `Bearer ${token}`).send({ amount: 100 });

describe('examples/payments', () => {
  it('accepts an opaque token the authorization server says is active, with its scope', async () => {
    const response = await accounts(as.issueOpaque({ scope: 'accounts:read' }));
    expect(response.status).toBe(200);
    expect(response.body.owner).toBe('alice');
  });

  it('refuses opaque tokens that are revoked or unknown (401 invalid_token), never calls them valid', async () => {
    const revoked = as.issueOpaque({ scope: 'accounts:read' });
    as.revoke(revoked);
    for (const token of [revoked, 'never-issued-by-anyone']) {
      const response = await accounts(token);
      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    }
  });

  it('a revoked JWT is refused once the revocation delay has passed', async () => {
    const token = await as.issueJwt({ scope: 'accounts:read' });
    expect((await accounts(token)).status).toBe(200);
    expect((await request(app).get('/ready')).status).toBe(200); // keys fetched by then
    as.revoke(token);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const response = await accounts(token);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });

  it('a missing scope is 403 insufficient_scope naming it', async () => {
    const response = await accounts(as.issueOpaque({ scope: 'payments:write' }));
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toMatch(/scope="accounts:read"/);
  });

  it('a transfer asks for a recent multi-factor login (RFC 9470), then accepts one', async () => {
    const password = await as.issueJwt({ scope: 'payments:write', acr: 'urn:example:pwd' });
    const weak = await transfer(password);
    expect(weak.status).toBe(401);
    expect(weak.headers['www-authenticate']).toMatch(
      /^Bearer error="insufficient_user_authentication", .*acr_values="urn:example:mfa"/,
    );
    const stale = await transfer(
      await as.issueJwt({ scope: 'payments:write', acr: MFA, auth_time: now() - 600 }),
    );
    expect(stale.status).toBe(401);
    expect(stale.headers['www-authenticate']).toMatch(/max_age="300"/);

    const fresh = await transfer(
      await as.issueJwt({ scope: 'payments:write', acr: MFA, auth_time: now() }),
    );
    expect([fresh.status, fresh.body]).toEqual([201, { from: 'alice', amount: 100 }]);
    // The same rule holds for an opaque token: acr and auth_time come from introspection.
    const opaque = as.issueOpaque({ scope: 'payments:write', acr: MFA, auth_time: now() });
    expect((await transfer(opaque)).status).toBe(201);
  });

  it('wrong client credentials at the endpoint: 503 with Retry-After, never a 200', async () => {
    const misconfigured = createPaymentsApp({
      issuer: as.issuer,
      audience: as.audience,
      clientId: as.client.id,
      clientSecret: 'not-the-secret',
      introspectionEndpoint: as.introspectionEndpoint,
    });
    const response = await request(misconfigured)
      .get('/api/accounts')
      .set('authorization', `Bearer ${as.issueOpaque({ scope: 'accounts:read' })}`);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toMatch(/^\d+$/);
  });
});
