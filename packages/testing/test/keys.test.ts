import {
  type Alg,
  createTestIssuer,
  SUPPORTED_ALGORITHMS,
  type TestIssuer,
} from '@gatehouse/testing';
import { createRemoteJWKSet, decodeProtectedHeader, type JWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('every algorithm', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ algorithms: [...SUPPORTED_ALGORITHMS] });
  });
  afterAll(() => issuer.close());

  it('has one key per algorithm, default signer first', () => {
    expect(issuer.keys.map((key) => key.alg)).toEqual([
      'RS256',
      'RS384',
      'RS512',
      'PS256',
      'PS384',
      'PS512',
      'ES256',
      'ES384',
      'ES512',
      'EdDSA',
    ]);
  });

  it.each(SUPPORTED_ALGORITHMS)(
    '%s tokens verify with jose against the remote JWKS',
    async (alg) => {
      const token = await issuer.mint({}, { alg });
      const { protectedHeader } = await jwtVerify(
        token,
        createRemoteJWKSet(new URL(issuer.jwksUri)),
        {
          issuer: issuer.url,
          audience: issuer.audience,
          algorithms: [alg],
        },
      );
      expect(protectedHeader.kid).toBe(issuer.keys.find((key) => key.alg === alg)?.kid);
    },
  );
});

async function publishedKids(issuer: TestIssuer): Promise<string[]> {
  const { keys } = (await (await fetch(issuer.jwksUri)).json()) as { keys: JWK[] };
  return keys.map((key) => key.kid ?? '');
}

describe('key management', () => {
  it('rotateKeys adds a new default signer and keeps the old key published', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['ES256'] });
    const old = await issuer.mint();
    const oldKid = issuer.keys[0]?.kid;
    const fresh = await issuer.rotateKeys();
    expect(fresh.alg).toBe('ES256');
    expect(await publishedKids(issuer)).toEqual([fresh.kid, oldKid]);
    expect(decodeProtectedHeader(await issuer.mint()).kid).toBe(fresh.kid);
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
    await expect(jwtVerify(old, jwks, { issuer: issuer.url })).resolves.toBeTruthy();
  });

  it('rotateKeys with keepOld false unpublishes the old key, so old tokens fail', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['ES256', 'EdDSA'] });
    const old = await issuer.mint();
    const fresh = await issuer.rotateKeys({ alg: 'PS256', keepOld: false });
    expect(issuer.keys).toEqual([fresh]);
    expect(await publishedKids(issuer)).toEqual([fresh.kid]);
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
    await expect(jwtVerify(old, jwks)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    await expect(jwtVerify(await issuer.mint(), jwks)).resolves.toBeTruthy();
  });

  it('addKey publishes one more key without changing the default signer', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['ES256'] });
    const first = issuer.keys[0];
    const added = await issuer.addKey('EdDSA');
    expect(issuer.keys).toEqual([first, added]);
    expect(decodeProtectedHeader(await issuer.mint()).kid).toBe(first?.kid);
    expect(decodeProtectedHeader(await issuer.mint({}, { kid: added.kid })).alg).toBe('EdDSA');
    await expect(issuer.addKey('HS256' as Alg)).rejects.toThrow(/unsupported algorithm "HS256"/);
  });

  it('removeKey unpublishes a key and reports whether it existed', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['ES256', 'EdDSA'] });
    const [first, second] = issuer.keys;
    expect(issuer.removeKey(first?.kid ?? '')).toBe(true);
    expect(issuer.removeKey(first?.kid ?? '')).toBe(false);
    expect(await publishedKids(issuer)).toEqual([second?.kid]);
    expect(decodeProtectedHeader(await issuer.mint()).kid).toBe(second?.kid);
    issuer.removeKey(second?.kid ?? '');
    expect(await publishedKids(issuer)).toEqual([]);
    await expect(issuer.mint()).rejects.toThrow(/no signing key/);
  });

  it('returns a copy of the key list', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['ES256'] });
    (issuer.keys as unknown[]).length = 0;
    expect(issuer.keys).toHaveLength(1);
  });
});
