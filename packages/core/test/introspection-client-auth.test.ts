import { generateKeyPairSync } from 'node:crypto';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVerifier } from '../src/verify.js';
import { AUDIENCE, OPAQUE, refusal, useIntrospectionServer } from './support/introspection.js';

// How Gatehouse authenticates to the introspection endpoint, and JWTs next to opaque tokens.
const f = useIntrospectionServer();

describe('client authentication (RFC 6749 §2.3.1)', () => {
  beforeEach(() => {
    f.as.answer = () => ({ body: f.activeFor() });
  });

  it('client_secret_basic (default): id and secret form-encoded, then Base64', async () => {
    await f.verifierWith({ clientId: 'rs one', clientSecret: 'p:a%s+s' }).verify(OPAQUE);
    const header = f.as.received[0]?.authorization ?? '';
    expect(header.startsWith('Basic ')).toBe(true);
    expect(Buffer.from(header.slice(6), 'base64').toString()).toBe('rs+one:p%3Aa%25s%2Bs');
    expect(f.as.received[0]?.form.has('client_secret')).toBe(false);
  });

  it('client_secret_post: in the form, no Authorization header', async () => {
    await f.verifierWith({ clientAuth: 'client_secret_post' }).verify(OPAQUE);
    expect(f.as.received[0]?.authorization).toBeUndefined();
    expect(f.as.received[0]?.form.get('client_id')).toBe('gatehouse-rs');
    expect(f.as.received[0]?.form.get('client_secret')).toBe('rs-secret');
  });
});

describe('private_key_jwt (RFC 7523)', () => {
  it.each([
    ['EC P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'ES256'],
    ['RSA', () => generateKeyPairSync('rsa', { modulusLength: 2048 }), 'RS256'],
    ['Ed25519', () => generateKeyPairSync('ed25519'), 'EdDSA'],
  ])(
    '%s key: a fresh assertion per call, iss = sub = client, aud = issuer',
    async (_, pair, alg) => {
      f.as.answer = () => ({ body: f.activeFor() });
      const { privateKey, publicKey } = pair();
      const verifier = f.verifierWith({
        clientId: 'rs-jwt',
        clientSecret: undefined,
        clientAuth: 'private_key_jwt',
        privateKey,
        keyId: 'rs-key-1',
        cache: false,
      });
      await verifier.verify(OPAQUE);
      await verifier.verify(OPAQUE);
      const [first, second] = f.as.received.map((request) => request.form);
      expect(first?.get('client_assertion_type')).toBe(
        'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      );
      expect(first?.get('client_id')).toBe('rs-jwt');
      expect(f.as.received[0]?.authorization).toBeUndefined();
      const assertion = first?.get('client_assertion') ?? '';
      expect(decodeProtectedHeader(assertion)).toMatchObject({ alg, kid: 'rs-key-1' });
      const { payload } = await jwtVerify(assertion, publicKey, { audience: f.as.issuer });
      expect(payload).toMatchObject({ iss: 'rs-jwt', sub: 'rs-jwt' });
      expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(60);
      const { payload: next } = await jwtVerify(second?.get('client_assertion') ?? '', publicKey);
      expect(next.jti).not.toBe(payload.jti);
    },
  );

  it('takes a private JWK, its kid by default', async () => {
    f.as.answer = () => ({ body: f.activeFor() });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'from-jwk' };
    await f.verifierWith({ clientAuth: 'private_key_jwt', privateKey: jwk }).verify(OPAQUE);
    const assertion = f.as.received[0]?.form.get('client_assertion') ?? '';
    expect(decodeProtectedHeader(assertion)).toMatchObject({ alg: 'ES384', kid: 'from-jwk' });
  });
});

describe('JWTs next to opaque tokens', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE });
  });
  afterAll(async () => {
    await issuer.close();
  });
  const jwtVerifier = (tokens: 'opaque' | 'jwt' | 'all') =>
    createVerifier({
      issuer: {
        issuer: issuer.url,
        introspection: { endpoint: f.as.endpoint, clientId: 'rs', clientSecret: 's', tokens },
      },
      audience: AUDIENCE,
    });

  it("tokens: 'opaque' (default): a JWT is verified locally, the endpoint never sees it", async () => {
    const verifier = jwtVerifier('opaque');
    const auth = await verifier.authenticate(`Bearer ${await issuer.mint({ sub: 'grace' })}`);
    expect(auth.subject).toBe('grace');
    expect(auth.header.alg).toBe('RS256');
    expect(f.as.received).toHaveLength(0);
    // A forged JWT is refused as a JWT, not sent to the endpoint.
    const forged = await refusal(verifier.verify(`${(await issuer.mint()).slice(0, -4)}AAAA`));
    expect(forged.code).toBe('invalid_token');
    expect(f.as.received).toHaveLength(0);
  });

  it("tokens: 'all': a valid JWT must also be active (revocation)", async () => {
    const token = await issuer.mint({ sub: 'grace' });
    const verifier = jwtVerifier('all');
    f.as.answer = () => ({ body: { active: false } });
    expect((await refusal(verifier.authenticate(`Bearer ${token}`))).reason).toBe('token_inactive');
    const fresh = await issuer.mint({ sub: 'grace' });
    f.as.answer = () => ({ body: { active: true, aud: AUDIENCE, sub: 'grace' } });
    const auth = await verifier.verify(fresh);
    expect(auth.header.alg).toBe('RS256');
    expect(auth.subject).toBe('grace');
  });

  it("tokens: 'jwt': JWTs are introspected, opaque tokens are not sent anywhere", async () => {
    const verifier = jwtVerifier('jwt');
    f.as.answer = () => ({ body: { active: true } });
    const auth = await verifier.authenticate(`Bearer ${await issuer.mint({ sub: 'grace' })}`);
    expect(auth.subject).toBe('grace');
    expect(f.as.received).toHaveLength(1);
    expect((await refusal(verifier.authenticate(`Bearer ${OPAQUE}`))).code).toBe('invalid_token');
    expect(f.as.received).toHaveLength(1);
  });

  it("a JWT's introspection answer is cached like any other: revocation is seen within cache.maxTtl", async () => {
    const verifier = jwtVerifier('jwt');
    const token = await issuer.mint({ sub: 'grace' });
    f.as.answer = () => ({ body: { active: true } });
    await verifier.verify(token);
    f.as.answer = () => ({ body: { active: false } });
    // Introspection answers are cached (maxTtl): the revocation is seen once the entry expires.
    await verifier.verify(token);
    expect(f.as.received).toHaveLength(1);
  });
});
