import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../src/verify.js';
import { AUDIENCE, now, OPAQUE, refusal, useIntrospectionServer } from './support/introspection.js';

// RFC 9701 JWT introspection answers: signed by the issuer's keys (its JWKS), typed, addressed
// to our client id; anything else is an outage (503), never a 200.
const f = useIntrospectionServer();
const CLIENT = 'gatehouse-rs';
const JWT_TYPE = 'application/token-introspection+jwt';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ audience: AUDIENCE });
});
afterAll(async () => {
  await issuer.close();
});

const verifier = () =>
  createVerifier({
    issuer: {
      issuer: issuer.url,
      introspection: {
        endpoint: f.as.endpoint,
        clientId: CLIENT,
        clientSecret: 's',
        response: 'jwt',
      },
    },
    audience: AUDIENCE,
  });
const inner = (extra: Record<string, unknown> = {}) => ({
  active: true,
  iss: issuer.url,
  aud: AUDIENCE,
  sub: 'ada',
  scope: 'notes:read',
  exp: now() + 600,
  ...extra,
});
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: issuer.url,
  aud: CLIENT,
  iat: now(),
  token_introspection: inner(),
  ...extra,
});
const header = (extra: Record<string, unknown> = {}) => ({
  alg: 'RS256',
  kid: issuer.keys[0]?.kid,
  typ: 'token-introspection+jwt',
  ...extra,
});
/** The endpoint answers `jwt` with `contentType`. */
const answerWith = (jwt: string, contentType = JWT_TYPE) => {
  f.as.answer = () => ({ raw: jwt, headers: { 'content-type': contentType } });
};

describe("response: 'jwt' (RFC 9701)", () => {
  it('asks for a JWT and accepts a correctly signed one → the same AuthContext', async () => {
    answerWith(await issuer.sign(header(), claims()));
    const auth = await verifier().verify(OPAQUE);
    expect(auth).toMatchObject({ issuer: issuer.url, subject: 'ada', scopes: ['notes:read'] });
    expect(auth.header).toEqual({ alg: 'none' });
    expect(f.as.received).toHaveLength(1);
    expect(f.as.received[0]?.accept).toBe(JWT_TYPE);
  });

  it('a signed active: false → 401 token_inactive', async () => {
    answerWith(await issuer.sign(header(), claims({ token_introspection: { active: false } })));
    expect((await refusal(verifier().verify(OPAQUE))).reason).toBe('token_inactive');
  });

  it.each<[string, () => Promise<[string, string?]>]>([
    ['a JSON answer (downgrade)', async () => [JSON.stringify(inner()), 'application/json']],
    [
      'a JWT sent as application/jwt',
      async () => [await issuer.sign(header(), claims()), 'application/jwt'],
    ],
    ['typ JWT', async () => [await issuer.sign(header({ typ: 'JWT' }), claims())]],
    ['no typ', async () => [await issuer.sign(header({ typ: undefined }), claims())]],
    ['alg none (unsigned)', async () => [await issuer.sign(header({ alg: 'none' }), claims())]],
    [
      'HS256 keyed with the public key',
      async () => [
        await issuer.sign(header({ alg: 'HS256' }), claims(), { secret: 'x'.repeat(32) }),
      ],
    ],
    [
      'a bad signature',
      async () => [`${(await issuer.sign(header(), claims())).slice(0, -6)}AAAAAA`],
    ],
    [
      'another iss',
      async () => [await issuer.sign(header(), claims({ iss: 'https://evil.example.test' }))],
    ],
    ['another aud', async () => [await issuer.sign(header(), claims({ aud: 'someone-else' }))]],
    ['no iat', async () => [await issuer.sign(header(), claims({ iat: undefined }))]],
    [
      'an iat from an hour ago',
      async () => [await issuer.sign(header(), claims({ iat: now() - 3600 }))],
    ],
    [
      'an iat in the future',
      async () => [await issuer.sign(header(), claims({ iat: now() + 3600 }))],
    ],
    [
      'no token_introspection',
      async () => [await issuer.sign(header(), claims({ token_introspection: undefined }))],
    ],
    [
      'token_introspection without active',
      async () => [await issuer.sign(header(), claims({ token_introspection: { sub: 'ada' } }))],
    ],
    ['an unknown kid', async () => [await issuer.sign(header({ kid: 'nope' }), claims())]],
    ['garbage', async () => ['not.a.jwt']],
  ])('%s → 503 introspection_unavailable, never a 200', async (_, make) => {
    const [body, type] = await make();
    answerWith(body, type);
    const error = await refusal(verifier().verify(OPAQUE));
    expect(error.status).toBe(503);
    expect(error.reason).toBe('introspection_unavailable');
  });
});
