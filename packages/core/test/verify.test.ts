import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isClientCredentials } from '../src/auth-context.js';
import { GatehouseConfigError } from '../src/config-error.js';
import { createVerifier } from '../src/verify.js';

let issuer: TestIssuer;
let other: TestIssuer;

beforeAll(async () => {
  issuer = await createTestIssuer({
    algorithms: ['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA', 'RS512'],
  });
  other = await createTestIssuer();
});
afterAll(async () => {
  await issuer.close();
  await other.close();
});

const verifierFor = (extra: Record<string, unknown> = {}) =>
  createVerifier({ issuer: issuer.url, audience: issuer.audience, ...extra });

describe('verify: access tokens (RFC 9068 §4)', () => {
  it('returns what a valid token says', async () => {
    const token = await issuer.mint({
      sub: 'alice',
      scope: 'accounts:read transfers:write',
      client_id: 'mobile-app',
    });
    const auth = await verifierFor().verify(token);
    expect(auth).toMatchObject({
      token,
      issuer: issuer.url,
      subject: 'alice',
      clientId: 'mobile-app',
      scopes: ['accounts:read', 'transfers:write'],
      header: { alg: 'RS256', typ: 'at+jwt' },
    });
    expect(auth.claims.aud).toBe(issuer.audience);
    expect(isClientCredentials(auth)).toBe(false);
  });

  it.each(['RS256', 'RS512', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const)(
    'verifies %s',
    async (alg) => {
      const token = await issuer.mint({}, { alg });
      await expect(verifierFor().verify(token)).resolves.toMatchObject({ header: { alg } });
    },
  );

  it('refuses a signature made over other claims, saying so', async () => {
    const [header, payload] = (await issuer.mint({ sub: 'alice' })).split('.');
    const [, , signature] = (await issuer.mint({ sub: 'mallory' })).split('.');
    const error = await verifierFor()
      .verify(`${header}.${payload}.${signature}`)
      .catch((e) => e);
    expect(error).toMatchObject({
      code: 'invalid_token',
      reason: 'bad_signature',
      description: 'the token signature is not valid',
    });
  });

  it('authenticates an Authorization header value', async () => {
    const token = await issuer.mint();
    await expect(verifierFor().authenticate(`Bearer ${token}`)).resolves.toMatchObject({
      subject: 'user-123',
    });
    await expect(verifierFor().authenticate(undefined)).rejects.toMatchObject({
      code: 'unauthorized',
    });
    await expect(verifierFor().authenticate('Bearer ')).rejects.toMatchObject({
      code: 'invalid_request',
    });
  });

  it('recognises machine-to-machine tokens without guessing (client credentials)', async () => {
    const asClient = await verifierFor().verify(
      await issuer.mint({ sub: 'svc-42', client_id: 'svc-42' }),
    );
    expect(isClientCredentials(asClient)).toBe(true);
    const noSub = await verifierFor().verify(
      await issuer.mint({ sub: undefined, client_id: 'svc-42' }),
    );
    expect(noSub.subject).toBeUndefined();
    expect(isClientCredentials(noSub)).toBe(true);
  });

  it('takes clientId from azp when there is no client_id', async () => {
    const auth = await verifierFor().verify(
      await issuer.mint({ client_id: undefined, azp: 'spa' }),
    );
    expect(auth.clientId).toBe('spa');
  });

  it('returns a frozen context, shared safely between requests', async () => {
    const auth = await verifierFor().verify(await issuer.mint());
    expect(Object.isFrozen(auth)).toBe(true);
    expect(Object.isFrozen(auth.claims)).toBe(true);
  });

  it('accepts tokens from each of several issuers, each with its own keys (RFC 9068 §4)', async () => {
    const verifier = createVerifier({ issuer: [issuer.url, other.url], audience: issuer.audience });
    await expect(verifier.verify(await issuer.mint())).resolves.toMatchObject({
      issuer: issuer.url,
    });
    await expect(
      verifier.verify(await other.mint({ aud: issuer.audience })),
    ).resolves.toMatchObject({ issuer: other.url });
    // Signed by `other`, claiming to be from `issuer`: `issuer`'s keys must not verify it.
    const forged = await other.sign(
      { alg: 'RS256', typ: 'at+jwt', kid: other.keys[0]!.kid },
      {
        iss: issuer.url,
        aud: issuer.audience,
        sub: 'mallory',
        exp: Math.floor(Date.now() / 1000) + 60,
      },
    );
    await expect(verifier.verify(forged)).rejects.toMatchObject({
      code: 'invalid_token',
      reason: 'unknown_kid',
    });
  });

  it('accepts static keys without any request', async () => {
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      keys: { keys: issuer.keys.map((k) => k.publicJwk) },
    });
    issuer.resetCounters();
    await expect(verifier.verify(await issuer.mint({}, { alg: 'ES256' }))).resolves.toBeDefined();
    expect(issuer.requests.total).toBe(0);
  });

  it('refuses an unusable static key set at construction, naming the option', () => {
    expect(() =>
      createVerifier({
        issuer: issuer.url,
        audience: issuer.audience,
        keys: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] },
      }),
    ).toThrow(GatehouseConfigError);
    expect(() =>
      createVerifier({
        issuer: issuer.url,
        audience: issuer.audience,
        keys: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] },
      }),
    ).toThrow(/keys: /);
  });

  it('accepts HMAC tokens only with a configured secret, and then only HMAC', async () => {
    const secret = 'a-shared-secret-of-at-least-32-bytes!';
    const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience, secret });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: issuer.url, aud: issuer.audience, sub: 'bob', exp: now + 60 };
    const hs = await issuer.sign({ alg: 'HS256', typ: 'at+jwt' }, claims, { secret });
    await expect(verifier.verify(hs)).resolves.toMatchObject({ subject: 'bob' });
    const wrong = await issuer.sign({ alg: 'HS256', typ: 'at+jwt' }, claims, {
      secret: `${secret}x`,
    });
    await expect(verifier.verify(wrong)).rejects.toMatchObject({ reason: 'bad_signature' });
    await expect(verifier.verify(await issuer.mint())).rejects.toMatchObject({
      reason: 'unsupported_algorithm',
    });
  });
});

describe('verify: typ policy (RFC 8725 §3.11, RFC 9068 §2.1)', () => {
  it.each(['at+jwt', 'application/at+jwt', 'AT+JWT', 'JWT', null])(
    'lenient accepts %j',
    async (typ) => {
      await expect(verifierFor().verify(await issuer.mint({}, { typ }))).resolves.toBeDefined();
    },
  );

  it.each(['dpop+jwt', 'secevent+jwt', 'logout+jwt', 'JOSE'])('lenient refuses %j', async (typ) => {
    await expect(verifierFor().verify(await issuer.mint({}, { typ }))).rejects.toMatchObject({
      reason: 'type_mismatch',
    });
  });

  it.each(['JWT', null])('strict refuses %j', async (typ) => {
    await expect(
      verifierFor({ typ: 'strict' }).verify(await issuer.mint({}, { typ })),
    ).rejects.toMatchObject({
      code: 'invalid_token',
      reason: 'type_mismatch',
    });
  });

  it('strict accepts at+jwt and application/at+jwt', async () => {
    const strict = verifierFor({ typ: 'strict' });
    await expect(strict.verify(await issuer.mint({}, { typ: 'at+jwt' }))).resolves.toBeDefined();
    await expect(
      strict.verify(await issuer.mint({}, { typ: 'application/at+jwt' })),
    ).resolves.toBeDefined();
  });
});
