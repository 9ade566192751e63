import {
  createProviderIssuer,
  PROVIDERS,
  type Provider,
  type ProviderIssuer,
} from '@gatehouse/testing';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const issuers = new Map<Provider, ProviderIssuer>();
beforeAll(async () => {
  for (const provider of PROVIDERS) issuers.set(provider, await createProviderIssuer(provider));
});
afterAll(async () => {
  await Promise.all([...issuers.values()].map((issuer) => issuer.close()));
});

const of = (provider: Provider) => issuers.get(provider)!;
const payloadOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;

/** Discovery exactly as a relying party does it, then the signature through the JWKS found. */
async function discoverAndVerify(token: string, issuer: string) {
  const wellKnown = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const metadata = (await (await fetch(wellKnown)).json()) as Record<string, string>;
  expect(metadata.issuer).toBe(issuer);
  const jwks = createRemoteJWKSet(new URL(metadata.jwks_uri!));
  const { payload } = await jwtVerify(token, jwks, { issuer });
  return { metadata, payload };
}

describe('createProviderIssuer: every preset goes through discovery and a JWKS', () => {
  it.each(PROVIDERS.filter((p) => p !== 'entra-v1' && p !== 'entra-v2'))('%s', async (name) => {
    const preset = of(name);
    const token = await preset.mint({ scopes: ['read:things'], roles: ['admin'] });
    const { metadata, payload } = await discoverAndVerify(token, preset.url);
    expect(new URL(metadata.jwks_uri!).origin).toBe(preset.origin);
    expect(payload.iss).toBe(preset.url);
    expect(preset.docs.length).toBeGreaterThan(0);
    for (const page of preset.docs) expect(page).toMatch(/^https:\/\//);
  });

  it.each(['entra-v1', 'entra-v2'] as const)('%s, per tenant', async (name) => {
    const preset = of(name);
    expect(preset.tenants.length).toBe(2);
    for (const tenant of preset.tenants) {
      const token = await preset.mint({ tenant });
      const { metadata, payload } = await discoverAndVerify(token, preset.issuerFor(tenant));
      expect(metadata.jwks_uri).toContain(`/${tenant}/discovery/`);
      expect(payload.tid).toBe(tenant);
    }
  });
});

describe('token shapes, as each provider documents them', () => {
  it('Auth0: issuer with a trailing slash, typ JWT, aud array with /userinfo, azp, permissions', async () => {
    const auth0 = of('auth0');
    expect(auth0.url).toBe(`${auth0.origin}/`);
    const token = await auth0.mint({ scopes: ['read:things'], roles: ['admin'] });
    expect(decodeProtectedHeader(token).typ).toBe('JWT');
    const claims = payloadOf(token);
    expect(claims.aud).toEqual([auth0.audience, `${auth0.url}userinfo`]);
    expect(claims.azp).toBe(auth0.clientId);
    expect(claims.client_id).toBeUndefined();
    expect(claims.scope).toBe('openid profile read:things');
    expect(claims.permissions).toEqual(['read:things']);
    expect(claims['https://example.com/roles']).toEqual(['admin']);
    const m2m = payloadOf(await auth0.mint({ app: true, scopes: ['read:things'] }));
    expect(m2m).toMatchObject({ gty: 'client-credentials', sub: `${auth0.clientId}@clients` });
    expect(m2m.aud).toBe(auth0.audience);
    expect((await fetch(`${auth0.origin}/.well-known/jwks.json`)).status).toBe(200);
  });

  it('Okta: /oauth2/default, no typ, aud api://default, cid, uid, scp array, ver 1', async () => {
    const okta = of('okta');
    expect(okta.url).toBe(`${okta.origin}/oauth2/default`);
    const token = await okta.mint({ scopes: ['read:things'], roles: ['Admins'] });
    expect(decodeProtectedHeader(token).typ).toBeUndefined();
    const claims = payloadOf(token);
    expect(claims).toMatchObject({ aud: 'api://default', cid: okta.clientId, ver: 1 });
    expect(claims.scp).toEqual(['openid', 'read:things']);
    expect(claims.groups).toEqual(['Admins']);
    expect(String(claims.jti)).toMatch(/^AT\./);
    expect(claims.uid).toEqual(expect.any(String));
  });

  it('Entra ID v2: aud = the API client id, azp, scp string, roles array, tid, ver 2.0', async () => {
    const entra = of('entra-v2');
    expect(entra.url).toBe(`${entra.origin}/{tenantid}/v2.0`);
    const tenant = entra.tenants[1]!;
    const token = await entra.mint({
      tenant,
      scopes: ['Orders.Read', 'Orders.Write'],
      roles: ['Admin'],
    });
    const header = decodeProtectedHeader(token);
    expect(header.typ).toBe('JWT');
    expect(header.x5t).toBeUndefined();
    const claims = payloadOf(token);
    expect(claims).toMatchObject({
      iss: `${entra.origin}/${tenant}/v2.0`,
      aud: entra.audience,
      azp: entra.clientId,
      scp: 'Orders.Read Orders.Write',
      roles: ['Admin'],
      tid: tenant,
      ver: '2.0',
    });
    expect(claims.audience).toBeUndefined();
    expect(entra.audience).toMatch(/^[0-9a-f-]{36}$/);
    const app = payloadOf(await entra.mint({ app: true, roles: ['Orders.Read.All'] }));
    expect(app).toMatchObject({ idtyp: 'app', roles: ['Orders.Read.All'] });
    expect(app.scp).toBeUndefined();
  });

  it('Entra ID v1: iss with a trailing slash, aud api://…, appid, x5t = kid, ver 1.0', async () => {
    const entra = of('entra-v1');
    const tenant = entra.tenants[0]!;
    expect(entra.issuerFor(tenant)).toBe(`${entra.origin}/${tenant}/`);
    const token = await entra.mint({ scopes: ['user_impersonation'] });
    const header = decodeProtectedHeader(token);
    expect(header.x5t).toBe(header.kid);
    const claims = payloadOf(token);
    expect(claims).toMatchObject({
      aud: entra.audience,
      appid: entra.clientId,
      scp: 'user_impersonation',
      tid: tenant,
      ver: '1.0',
    });
    expect(entra.audience).toMatch(/^api:\/\//);
  });

  it('Keycloak: /realms/<realm>, aud [api, account], typ Bearer, realm_access.roles, azp', async () => {
    const keycloak = of('keycloak');
    expect(keycloak.url).toBe(`${keycloak.origin}/realms/acme`);
    const claims = payloadOf(await keycloak.mint({ scopes: ['orders:read'], roles: ['admin'] }));
    expect(claims.aud).toEqual([keycloak.audience, 'account']);
    expect(claims).toMatchObject({ typ: 'Bearer', azp: keycloak.clientId });
    expect((claims.realm_access as { roles: string[] }).roles).toContain('admin');
    expect(claims.scope).toBe('openid email profile orders:read');
  });

  it('Cognito: no aud, client_id, token_use access, cognito:groups, no typ; ID tokens use another key', async () => {
    const cognito = of('cognito');
    expect(new URL(cognito.url).pathname).toMatch(/^\/[a-z]{2}-[a-z]+-\d_\w+$/);
    const token = await cognito.mint({ scopes: ['orders/read'], roles: ['admins'] });
    expect(decodeProtectedHeader(token).typ).toBeUndefined();
    const claims = payloadOf(token);
    expect(claims.aud).toBeUndefined();
    expect(claims).toMatchObject({
      client_id: cognito.audience,
      token_use: 'access',
      scope: 'orders/read',
      'cognito:groups': ['admins'],
      version: 2,
    });
    const idToken = await cognito.mintMistake();
    expect(payloadOf(idToken)).toMatchObject({ token_use: 'id', aud: cognito.clientId });
    expect(payloadOf(idToken).client_id).toBeUndefined();
    expect(decodeProtectedHeader(idToken).kid).not.toBe(decodeProtectedHeader(token).kid);
    await discoverAndVerify(idToken, cognito.url);
  });

  it('Google: iss is the origin, ID token with aud = the service URL; access tokens are opaque', async () => {
    const google = of('google');
    expect(google.url).toBe(google.origin);
    const claims = payloadOf(await google.mint());
    expect(claims).toMatchObject({ aud: google.audience, email_verified: true });
    expect(await google.mintMistake()).toMatch(/^ya29\.[\w-]+$/);
  });

  it('Firebase: iss securetoken/<project>, aud <project>, sub = user_id, firebase claim', async () => {
    const firebase = of('firebase');
    const claims = payloadOf(await firebase.mint({ roles: ['editor'] }));
    expect(claims.iss).toBe(`${firebase.origin}/${firebase.audience}`);
    expect(claims).toMatchObject({ aud: firebase.audience, roles: ['editor'] });
    expect(claims.sub).toBe(claims.user_id);
    expect(claims.firebase).toMatchObject({ sign_in_provider: 'password' });
  });
});

describe('the classic wrong token of each provider', () => {
  it.each(PROVIDERS)(
    '%s: differs from a good token where the provider makes it differ',
    async (name) => {
      const preset = of(name);
      expect(preset.mistake.length).toBeGreaterThan(10);
      const wrong = await preset.mintMistake();
      if (name === 'google') return; // opaque: checked above
      const good = payloadOf(await preset.mint());
      const bad = payloadOf(wrong);
      const differs = ['iss', 'aud', 'token_use'].some(
        (claim) => JSON.stringify(good[claim]) !== JSON.stringify(bad[claim]),
      );
      expect(differs).toBe(true);
    },
  );

  it('Entra v1: the Graph token carries a header nonce', async () => {
    const header = decodeProtectedHeader(await of('entra-v1').mintMistake());
    expect(header.nonce).toEqual(expect.any(String));
  });
});

describe('bad input to the presets', () => {
  it('refuses an unknown provider, naming the known ones', async () => {
    await expect(createProviderIssuer('ping' as Provider)).rejects.toThrow(/auth0, okta/);
  });

  it('refuses a tenant for a provider without tenants, and an unsafe tenant id for Entra', async () => {
    await expect(of('auth0').mint({ tenant: 'x' })).rejects.toThrow(/no tenant/);
    await expect(of('entra-v2').mint({ tenant: '../evil' })).rejects.toThrow(/tenant id/);
    expect(() => of('auth0').issuerFor('x')).toThrow(/no tenants/);
  });
});
