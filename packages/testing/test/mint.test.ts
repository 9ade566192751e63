import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256'] });
});
afterAll(() => issuer.close());
afterEach(() => {
  vi.useRealTimers();
});

const verify = (token: string, options: { audience?: string; typ?: string } = {}) =>
  jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)), {
    issuer: issuer.url,
    audience: options.audience ?? issuer.audience,
    typ: options.typ,
  });

describe('mint', () => {
  it('mints an RFC 9068 access token that jose verifies against the JWKS', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { payload, protectedHeader } = await verify(await issuer.mint(), { typ: 'at+jwt' });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: issuer.keys[0]?.kid, typ: 'at+jwt' });
    expect(payload).toMatchObject({
      iss: issuer.url,
      sub: 'user-123',
      aud: 'https://api.example.test',
      client_id: 'test-client',
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp).toBe((payload.iat ?? 0) + 600);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(payload).not.toHaveProperty('nbf');
    expect(payload).not.toHaveProperty('scope');
  });

  it('gives every token its own jti', async () => {
    expect(decodeJwt(await issuer.mint()).jti).not.toBe(decodeJwt(await issuer.mint()).jti);
  });

  it('reads the clock from Date.now(), so fake timers drive iat and exp', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const claims = decodeJwt(await issuer.mint({}, { expiresIn: 60, notBefore: 10 }));
    const now = Date.UTC(2030, 0, 1) / 1000;
    expect(claims).toMatchObject({ iat: now, exp: now + 60, nbf: now + 10 });
  });

  it('keeps serving and minting under default fake timers', async () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2031-06-01T12:00:00Z'));
    const claims = decodeJwt(await issuer.mint());
    expect(claims.iat).toBe(Date.UTC(2031, 5, 1, 12) / 1000);
    expect((await fetch(issuer.jwksUri)).status).toBe(200);
  });

  it('merges claims, lets explicit iat/exp/nbf win, and removes claims given as undefined', async () => {
    const token = await issuer.mint({
      scope: 'read write',
      iat: 100,
      exp: 200,
      nbf: 50,
      aud: ['a', 'b'],
      client_id: undefined,
      jti: undefined,
    });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      scope: 'read write',
      iat: 100,
      exp: 200,
      nbf: 50,
      aud: ['a', 'b'],
    });
    expect(claims).not.toHaveProperty('client_id');
    expect(claims).not.toHaveProperty('jti');
    await expect(verify(token, { audience: 'b' })).rejects.toMatchObject({
      code: 'ERR_JWT_EXPIRED',
    });
  });

  it('selects a key by alg or kid and fails clearly for one it lacks', async () => {
    const es = issuer.keys.find((key) => key.alg === 'ES256');
    const byAlg = await issuer.mint({}, { alg: 'ES256' });
    expect(decodeProtectedHeader(byAlg)).toMatchObject({ alg: 'ES256', kid: es?.kid });
    expect((await verify(byAlg)).protectedHeader.alg).toBe('ES256');
    const byKid = await issuer.mint({}, { kid: es?.kid });
    expect(decodeProtectedHeader(byKid).alg).toBe('ES256');
    await expect(issuer.mint({}, { alg: 'PS512' })).rejects.toThrow(/no PS512 key/);
    await expect(issuer.mint({}, { kid: 'nope' })).rejects.toThrow(/no key with kid nope/);
    await expect(issuer.mint({}, { kid: es?.kid, alg: 'RS256' })).rejects.toThrow(/is ES256/);
  });

  it('omits typ with null and applies header overrides last', async () => {
    const noTyp = await issuer.mint({}, { typ: null });
    expect(decodeProtectedHeader(noTyp)).not.toHaveProperty('typ');
    await verify(noTyp);
    const custom = await issuer.mint(
      {},
      { typ: 'application/at+jwt', header: { kid: 'other', x: 1 } },
    );
    expect(decodeProtectedHeader(custom)).toEqual({
      alg: 'RS256',
      kid: 'other',
      typ: 'application/at+jwt',
      x: 1,
    });
    await expect(verify(custom)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
  });

  it('uses accessTokenTtl as the default lifetime', async () => {
    await using short = await createTestIssuer({ accessTokenTtl: 30, algorithms: ['ES256'] });
    const claims = decodeJwt(await short.mint());
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(30);
  });
});

describe('mintIdToken', () => {
  it('mints an OIDC ID token for the client, with nonce and auth_time', async () => {
    const token = await issuer.mintIdToken(
      { email: 'a@example.test' },
      { clientId: 'rp', nonce: 'n-1' },
    );
    const { payload, protectedHeader } = await verify(token, { audience: 'rp', typ: 'JWT' });
    expect(protectedHeader.typ).toBe('JWT');
    expect(payload).toMatchObject({
      iss: issuer.url,
      sub: 'user-123',
      aud: 'rp',
      azp: 'rp',
      nonce: 'n-1',
      email: 'a@example.test',
    });
    expect(payload.auth_time).toBe(payload.iat);
    expect(payload.exp).toBe((payload.iat ?? 0) + 600);
    expect(payload).not.toHaveProperty('client_id');
  });

  it('defaults to client test-client without nonce, and honours MintOptions', async () => {
    const token = await issuer.mintIdToken({}, { alg: 'ES256', typ: null, expiresIn: 5 });
    const claims = decodeJwt(token);
    expect(claims.aud).toBe('test-client');
    expect(claims).not.toHaveProperty('nonce');
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(5);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: issuer.keys[1]?.kid });
  });
});
