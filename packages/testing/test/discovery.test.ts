import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterEach, describe, expect, it } from 'vitest';

let issuer: TestIssuer | undefined;
afterEach(async () => {
  await issuer?.close();
  issuer = undefined;
});

async function getJson(url: string) {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('discovery documents', () => {
  it('serves both forms at the origin when the issuer has no path', async () => {
    issuer = await createTestIssuer();
    expect(issuer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(issuer.wellKnown.oidc).toBe(`${issuer.url}/.well-known/openid-configuration`);
    expect(issuer.wellKnown.oauth).toBe(`${issuer.url}/.well-known/oauth-authorization-server`);
    for (const url of [issuer.wellKnown.oidc, issuer.wellKnown.oauth]) {
      const { status, body } = await getJson(url);
      expect(status).toBe(200);
      expect(body.issuer).toBe(issuer.url);
      expect(body.jwks_uri).toBe(`${issuer.url}/jwks`);
      expect(body.token_endpoint).toBe(`${issuer.url}/token`);
      expect(body.grant_types_supported).toEqual(['client_credentials']);
      expect(body.id_token_signing_alg_values_supported).toEqual(['RS256']);
      expect(body.token_endpoint_auth_methods_supported).toEqual([
        'client_secret_basic',
        'client_secret_post',
      ]);
    }
    expect(issuer.requests.discovery).toBe(2);
  });

  it('appends the OIDC suffix to the path and inserts the RFC 8414 one before it', async () => {
    issuer = await createTestIssuer({ path: '/a/consumer/api/v0/oidc' });
    const origin = new URL(issuer.url).origin;
    expect(issuer.url).toBe(`${origin}/a/consumer/api/v0/oidc`);
    const oidc = await getJson(`${origin}/a/consumer/api/v0/oidc/.well-known/openid-configuration`);
    const oauth = await getJson(
      `${origin}/.well-known/oauth-authorization-server/a/consumer/api/v0/oidc`,
    );
    expect(oidc.body.issuer).toBe(issuer.url);
    expect(oauth.body.issuer).toBe(issuer.url);
    expect(oauth.body.jwks_uri).toBe(`${issuer.url}/jwks`);
    // The root documents belong to a different issuer (the origin), which this one is not.
    expect((await fetch(`${origin}/.well-known/openid-configuration`)).status).toBe(404);
    expect((await fetch(`${origin}/.well-known/oauth-authorization-server`)).status).toBe(404);
  });

  it('normalises the path: leading slash added, trailing slash removed', async () => {
    issuer = await createTestIssuer({ path: 'tenant/' });
    expect(issuer.url).toBe(`${new URL(issuer.url).origin}/tenant`);
    expect((await getJson(issuer.wellKnown.oidc)).body.issuer).toBe(issuer.url);
  });

  it.each([
    ['oidc', 200, 404],
    ['oauth', 404, 200],
    ['none', 404, 404],
  ] as const)('discovery %s serves only the chosen documents', async (mode, oidc, oauth) => {
    issuer = await createTestIssuer({ discovery: mode });
    expect((await fetch(issuer.wellKnown.oidc)).status).toBe(oidc);
    expect((await fetch(issuer.wellKnown.oauth)).status).toBe(oauth);
    expect(issuer.requests.discovery).toBe(2);
    expect((await fetch(issuer.jwksUri)).status).toBe(200);
  });

  it('lists the algorithms of the published keys, also after adding one', async () => {
    issuer = await createTestIssuer({ algorithms: ['ES256', 'EdDSA'] });
    expect(
      (await getJson(issuer.wellKnown.oidc)).body.id_token_signing_alg_values_supported,
    ).toEqual(['ES256', 'EdDSA']);
    await issuer.addKey('PS256');
    expect(issuer.metadata.id_token_signing_alg_values_supported).toEqual([
      'ES256',
      'EdDSA',
      'PS256',
    ]);
  });

  it('exposes the served document as metadata, and lists client scopes', async () => {
    issuer = await createTestIssuer({
      clients: [{ clientId: 'c', clientSecret: 's', scope: 'read write' }],
    });
    const { body } = await getJson(issuer.wellKnown.oidc);
    expect(issuer.metadata).toEqual(body);
    expect(body.scopes_supported).toEqual(['openid', 'read', 'write']);
  });

  it('answers 404 to unknown routes and 405 to a POST on a document', async () => {
    issuer = await createTestIssuer();
    expect((await fetch(`${issuer.url}/nope`)).status).toBe(404);
    const post = await fetch(issuer.wellKnown.oidc, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(issuer.requests).toEqual({ discovery: 1, jwks: 0, token: 0, total: 2 });
  });
});
