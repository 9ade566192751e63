import { createVerifier } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  call,
  closeApis,
  FRAMEWORKS,
  type Framework,
  type RunningApi,
  startApis,
} from './support/apis.js';
import { parseChallenge } from './support/challenge.js';

// Tokens shaped like the documented banking platform's: the issuer has a path, access tokens
// live 10 minutes, ID tokens carry only sub/aud/iat/exp/iss, scopes are URLs.
const ISSUER_PATH = '/a/consumer/api/v0/oidc';
const AUDIENCE = 'https://api.bank.gatehouse.test';
const ACCOUNTS_SCOPE = 'https://api.banno.com/consumer/auth/accounts.readonly';
const OFFLINE_SCOPE = 'https://api.banno.com/consumer/auth/offline_access';
const WEB_CLIENT = 'banking-web-app';

// OIDC Discovery §4 appends the well-known suffix to the issuer; RFC 8414 §3.1 inserts it
// between the origin and the path. An issuer serving only one of them must still work.
describe.each(['oidc', 'oauth'] as const)('issuer with a path, %s discovery only', (discovery) => {
  let issuer: TestIssuer;
  let apis: Record<Framework, RunningApi>;

  beforeAll(async () => {
    issuer = await createTestIssuer({ path: ISSUER_PATH, discovery, audience: AUDIENCE });
    apis = await startApis({ issuer: issuer.url, audience: AUDIENCE }, ACCOUNTS_SCOPE);
  });

  afterAll(async () => {
    await closeApis(apis ?? {});
    await issuer?.close();
  });

  it('serves its metadata at exactly one of the two well-known URLs', async () => {
    const origin = new URL(issuer.url).origin;
    const expected = {
      oidc: `${issuer.url}/.well-known/openid-configuration`,
      oauth: `${origin}/.well-known/oauth-authorization-server${ISSUER_PATH}`,
    };
    const served = discovery;
    const other = discovery === 'oidc' ? 'oauth' : 'oidc';
    const document = await fetch(expected[served]);
    expect(document.status).toBe(200);
    expect(((await document.json()) as { issuer: string }).issuer).toBe(issuer.url);
    expect((await fetch(expected[other])).status).toBe(404);
  });

  it.each(FRAMEWORKS)(
    '%s: 200 for a URL-shaped scope, found through discovery',
    async (framework) => {
      const token = await issuer.mint({
        sub: 'alice',
        scope: `${ACCOUNTS_SCOPE} ${OFFLINE_SCOPE}`,
      });
      const answer = await call(apis[framework], '/protected', token);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        issuer: issuer.url,
        subject: 'alice',
        clientId: 'test-client',
        scopes: [ACCOUNTS_SCOPE, OFFLINE_SCOPE],
      });
      expect(issuer.requests.discovery).toBeGreaterThan(0);
      expect(issuer.requests.jwks).toBeGreaterThan(0);
    },
  );

  it.each(FRAMEWORKS)('%s: 403 naming the URL scope when it is missing', async (framework) => {
    const token = await issuer.mint({ sub: 'alice', scope: OFFLINE_SCOPE });
    const answer = await call(apis[framework], '/protected', token);
    expect(answer.status).toBe(403);
    expect(answer.body['error']).toBe('insufficient_scope');
    expect(parseChallenge(answer.challenge)).toMatchObject({
      scheme: 'Bearer',
      params: { error: 'insufficient_scope', scope: ACCOUNTS_SCOPE },
    });
  });
});

describe('banking-shaped tokens', () => {
  let issuer: TestIssuer;
  let apis: Record<Framework, RunningApi>;

  beforeAll(async () => {
    issuer = await createTestIssuer({ path: ISSUER_PATH, audience: AUDIENCE });
    apis = await startApis({ issuer: issuer.url, audience: AUDIENCE }, ACCOUNTS_SCOPE);
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    await closeApis(apis ?? {});
    await issuer?.close();
  });

  it('a 10-minute access token is accepted for 10 minutes, then 401 invalid_token', async () => {
    // Only Date is faked: sockets and timers stay real.
    vi.useFakeTimers({ toFake: ['Date'] });
    const issuedAt = new Date();
    vi.setSystemTime(issuedAt);
    const token = await issuer.mint({ sub: 'alice', scope: ACCOUNTS_SCOPE });
    const claims = decodeJwt(token);
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(600);

    vi.setSystemTime(issuedAt.getTime() + 590_000);
    for (const framework of FRAMEWORKS) {
      // Three times: verified, admitted to the verified-token cache, then answered from it.
      for (let sent = 0; sent < 3; sent++) {
        expect((await call(apis[framework], '/protected', token)).status, framework).toBe(200);
      }
    }
    // Past exp plus the default 5 s clock tolerance: the token is cached in every API now, and
    // the cache must not outlive exp.
    vi.setSystemTime(issuedAt.getTime() + 606_000);
    for (const framework of FRAMEWORKS) {
      const answer = await call(apis[framework], '/protected', token);
      expect(answer.status, framework).toBe(401);
      expect(answer.body['error'], framework).toBe('invalid_token');
      expect(parseChallenge(answer.challenge)?.params['error'], framework).toBe('invalid_token');
    }
  });

  it('an ID token with only sub/aud/iat/exp/iss verifies as an ID token (OIDC Core §3.1.3.7)', async () => {
    const idToken = await issuer.mintIdToken(
      { sub: 'alice', azp: undefined, auth_time: undefined, jti: undefined },
      { clientId: WEB_CLIENT },
    );
    expect(Object.keys(decodeJwt(idToken)).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'sub']);
    const verifier = createVerifier({ issuer: issuer.url, audience: AUDIENCE });
    const auth = await verifier.verifyIdToken(idToken, { clientId: WEB_CLIENT });
    expect(auth.subject).toBe('alice');
    expect(auth.issuer).toBe(issuer.url);
  });

  it.each(FRAMEWORKS)(
    '%s: the same ID token is refused as an access token: 401',
    async (framework) => {
      const idToken = await issuer.mintIdToken(
        { sub: 'alice', azp: undefined, auth_time: undefined, jti: undefined },
        { clientId: WEB_CLIENT },
      );
      const answer = await call(apis[framework], '/whoami', idToken);
      expect(answer.status).toBe(401);
      expect(answer.body['error']).toBe('invalid_token');
      expect(parseChallenge(answer.challenge)?.params['error']).toBe('invalid_token');
    },
  );

  // RFC 8725 §3.11: when a client's id equals the API's audience, `aud` no longer separates the
  // two token kinds; explicit typing or RFC 9068's `client_id` does.
  it.each([
    ['typ "strict"', { typ: 'strict' as const }, 'type_mismatch'],
    ['requiredClaims client_id', { requiredClaims: ['client_id'] }, 'missing_claim'],
  ])(
    'an ID token whose aud is the API audience: refused with %s',
    async (_name, options, reason) => {
      const idToken = await issuer.mintIdToken({ sub: 'alice' }, { clientId: AUDIENCE });
      const verifier = createVerifier({ issuer: issuer.url, audience: AUDIENCE, ...options });
      await expect(verifier.verify(idToken)).rejects.toMatchObject({
        code: 'invalid_token',
        reason,
      });
    },
  );
});
