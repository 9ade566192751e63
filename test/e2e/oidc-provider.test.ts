import { createVerifier } from '@gatehouse/core';
import type { Configuration } from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  closeApis,
  FRAMEWORKS,
  type Framework,
  type RunningApi,
  startApis,
} from './support/apis.js';
import { parseChallenge } from './support/challenge.js';
import {
  clientCredentialsToken,
  connectClient,
  refreshAccessToken,
  signIn,
  type UserTokens,
} from './support/client.js';
import { capturedWarnings, EXPECTED_PROVIDER_WARNINGS } from './support/expected-warnings.js';
import {
  API_RESOURCE,
  OTHER_RESOURCE,
  type RunningProvider,
  startProvider,
  URL_OFFLINE_SCOPE,
  URL_SCOPE,
  USER,
} from './support/provider.js';

// oidc-provider 9 (panva, OpenID Certified) as the authorization server and openid-client 6 as
// the client; Gatehouse only ever sees what a real deployment would hand it.
let provider: RunningProvider;
let client: Configuration;
let apis: Record<Framework, RunningApi>;
let machineToken: string;
let user: UserTokens;
let refreshToken: string;

beforeAll(async () => {
  provider = await startProvider();
  client = await connectClient(provider);
  apis = await startApis({ issuer: provider.issuer, audience: API_RESOURCE }, 'accounts:read');
  machineToken = await clientCredentialsToken(client, `accounts:read ${URL_SCOPE}`);
  user = await signIn(client, provider, `openid accounts:read ${URL_OFFLINE_SCOPE}`);
  // The platform's URL-shaped offline scope earns a refresh token, as `offline_access` would.
  if (!user.refreshToken) throw new Error('no refresh token for the offline scope');
  refreshToken = user.refreshToken;
});

afterAll(async () => {
  await closeApis(apis ?? {});
  await provider?.close();
});

describe.each(FRAMEWORKS)('oidc-provider tokens at a %s API', (framework) => {
  it('client credentials (RFC 6749 §4.4): 200, sub = client_id (RFC 9068 §2.2), scopes kept', async () => {
    const answer = await call(apis[framework], '/protected', machineToken);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      issuer: provider.issuer,
      subject: provider.client.id,
      clientId: provider.client.id,
      scopes: ['accounts:read', URL_SCOPE],
    });
  });

  it('authorization code + PKCE: 200 with the end user as sub and URL-shaped scopes', async () => {
    const answer = await call(apis[framework], '/protected', user.accessToken);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      issuer: provider.issuer,
      subject: USER,
      clientId: provider.client.id,
      scopes: ['accounts:read', URL_OFFLINE_SCOPE],
    });
  });

  it('an access token from the refresh grant: 200, same user', async () => {
    const refreshed = await refreshAccessToken(client, refreshToken);
    const answer = await call(apis[framework], '/whoami', refreshed);
    expect(answer.status).toBe(200);
    expect(answer.body['subject']).toBe(USER);
  });

  it('a token without the route scope: 403 insufficient_scope naming it (RFC 6750 §3.1)', async () => {
    const narrow = await clientCredentialsToken(client, URL_SCOPE);
    const answer = await call(apis[framework], '/protected', narrow);
    expect(answer.status).toBe(403);
    expect(answer.body['error']).toBe('insufficient_scope');
    expect(parseChallenge(answer.challenge)).toMatchObject({
      scheme: 'Bearer',
      params: { error: 'insufficient_scope', scope: 'accounts:read' },
    });
  });

  const rejected: [string, () => Promise<string> | string][] = [
    ['the refresh token (opaque)', () => refreshToken],
    ['the ID token (aud = client_id, OIDC Core §2)', () => user.idToken],
    [
      'an access token for another resource (RFC 8707 audience)',
      () => clientCredentialsToken(client, 'ledger:read', OTHER_RESOURCE),
    ],
  ];
  it.each(rejected)('%s: 401 invalid_token (RFC 6750 §3.1)', async (_name, token) => {
    const answer = await call(apis[framework], '/whoami', await token());
    expect(answer.status).toBe(401);
    expect(answer.body['error']).toBe('invalid_token');
    expect(parseChallenge(answer.challenge)).toMatchObject({
      scheme: 'Bearer',
      params: { error: 'invalid_token' },
    });
  });
});

// oidc-provider types its JWT access tokens `at+jwt` and carries every RFC 9068 §2.2 claim, so
// the strictest settings accept them; its ID tokens carry no `typ` at all.
describe('oidc-provider tokens under typ "strict" and all RFC 9068 claims required', () => {
  const strict = () =>
    createVerifier({
      issuer: provider.issuer,
      audience: API_RESOURCE,
      typ: 'strict',
      requiredClaims: ['sub', 'client_id', 'iat', 'jti'],
    });

  it('accepts the client-credentials and authorization-code access tokens', async () => {
    const verifier = strict();
    expect((await verifier.verify(machineToken)).subject).toBe(provider.client.id);
    expect((await verifier.verify(user.accessToken)).subject).toBe(USER);
  });

  it('refuses the ID token as an access token: invalid_token', async () => {
    await expect(strict().verify(user.idToken)).rejects.toMatchObject({
      code: 'invalid_token',
      reason: 'type_mismatch',
    });
  });

  it('verifies the ID token as an ID token for its client (OIDC Core §3.1.3.7)', async () => {
    // Not with `strict()`: `requiredClaims` applies to ID tokens too, and they have no client_id.
    const verifier = createVerifier({
      issuer: provider.issuer,
      audience: API_RESOURCE,
      typ: 'strict',
    });
    const auth = await verifier.verifyIdToken(user.idToken, { clientId: provider.client.id });
    expect(auth.subject).toBe(USER);
  });
});

describe("oidc-provider's own start-up notices", () => {
  it('are the expected ones, captured instead of printed (expected-warnings.ts)', () => {
    const warnings = capturedWarnings();
    const seen = (pattern: RegExp) => warnings.some((warning) => pattern.test(warning));
    expect(seen(EXPECTED_PROVIDER_WARNINGS.memoryAdapter)).toBe(true);
    // oidc-provider 9 supports Node 22 LTS (Jod) and later; on Node 20 (Iron) it says so.
    const lts = process.release.lts;
    const supported = typeof lts === 'string' && lts.charCodeAt(0) >= 'J'.charCodeAt(0);
    expect(seen(EXPECTED_PROVIDER_WARNINGS.runtime)).toBe(!supported);
  });
});
