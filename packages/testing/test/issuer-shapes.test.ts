import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterEach, describe, expect, it } from 'vitest';

let issuer: TestIssuer | undefined;
afterEach(async () => {
  await issuer?.close();
  issuer = undefined;
});

const json = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const payloadOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));

describe('issuer identifier shapes', () => {
  it('trailingSlash: the identifier ends with "/", the well-known URLs drop it', async () => {
    issuer = await createTestIssuer({ trailingSlash: true });
    expect(issuer.url).toBe(`${issuer.origin}/`);
    expect(issuer.wellKnown.oidc).toBe(`${issuer.origin}/.well-known/openid-configuration`);
    expect((await json(issuer.wellKnown.oidc)).body.issuer).toBe(issuer.url);
    expect((await json(issuer.wellKnown.oauth)).body.issuer).toBe(issuer.url);
    expect(payloadOf(await issuer.mint()).iss).toBe(issuer.url);
  });

  it('jwksPath: the JWKS is served there and named by the metadata', async () => {
    issuer = await createTestIssuer({
      path: '/oauth2/default',
      jwksPath: '/oauth2/default/v1/keys',
    });
    expect(issuer.jwksUri).toBe(`${issuer.origin}/oauth2/default/v1/keys`);
    expect((await json(issuer.wellKnown.oidc)).body.jwks_uri).toBe(issuer.jwksUri);
    const { status, body } = await json(issuer.jwksUri);
    expect(status).toBe(200);
    expect((body.keys as unknown[]).length).toBe(1);
    expect((await fetch(`${issuer.url}/jwks`)).status).toBe(404);
  });

  it('{tenantid}: one server, an issuer, discovery and JWKS per tenant', async () => {
    issuer = await createTestIssuer({
      path: '/{tenantid}/v2.0',
      jwksPath: '/{tenantid}/discovery/v2.0/keys',
    });
    expect(issuer.url).toBe(`${issuer.origin}/{tenantid}/v2.0`);
    for (const tenant of ['tenant-a', 'contoso.onmicrosoft.com']) {
      const expected = `${issuer.origin}/${tenant}/v2.0`;
      expect(issuer.issuerFor(tenant)).toBe(expected);
      const { body } = await json(`${expected}/.well-known/openid-configuration`);
      expect(body.issuer).toBe(expected);
      expect(body.jwks_uri).toBe(`${issuer.origin}/${tenant}/discovery/v2.0/keys`);
      expect((await fetch(body.jwks_uri as string)).status).toBe(200);
      expect(payloadOf(await issuer.mint({}, { tenant })).iss).toBe(expected);
      expect(payloadOf(await issuer.mintIdToken({}, { tenant })).iss).toBe(expected);
    }
  });

  it('{tenantid}: a segment that is not a tenant id is a 404, and mint needs a tenant', async () => {
    issuer = await createTestIssuer({ path: '/{tenantid}/v2.0' });
    const encoded = `${issuer.origin}/%2e%2e/v2.0/.well-known/openid-configuration`;
    expect((await fetch(encoded)).status).toBe(404);
    expect((await fetch(`${issuer.origin}/v2.0/.well-known/openid-configuration`)).status).toBe(
      404,
    );
    await expect(issuer.mint()).rejects.toThrow(/options\.tenant/);
    await expect(issuer.mint({}, { tenant: 'a/b' })).rejects.toThrow(/options\.tenant/);
    expect(() => issuer!.issuerFor('')).toThrow(/tenant id/);
  });

  it('refuses a tenant for an issuer without {tenantid}', async () => {
    issuer = await createTestIssuer();
    await expect(issuer.mint({}, { tenant: 'a' })).rejects.toThrow(/\{tenantid\}/);
    expect(() => issuer!.issuerFor('a')).toThrow(/no tenants/);
  });

  it.each([
    [{ path: '/{tenantid}/{tenantid}' }, /options\.path may hold \{tenantid\} once/],
    [{ path: '/{tenant}' }, /options\.path may hold/],
    [{ path: '/x{tenantid}' }, /options\.path may hold/],
    [{ jwksPath: '/{tenantid}/keys' }, /options\.jwksPath may only hold/],
    [{ jwksPath: '/' }, /options\.jwksPath must not be empty/],
    [{ trailingSlash: 'yes' as never }, /options\.trailingSlash must be a boolean/],
  ])('rejects %o', async (options, message) => {
    await expect(createTestIssuer(options)).rejects.toThrow(message);
  });
});
