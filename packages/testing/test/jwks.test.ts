import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';

let issuer: TestIssuer | undefined;
afterEach(async () => {
  await issuer?.close();
  issuer = undefined;
});

async function fetchJwks(url: string) {
  const res = await fetch(url);
  return { res, jwks: (await res.json()) as { keys: JWK[] } };
}

describe('JWKS', () => {
  it('publishes public keys only, with kid (RFC 7638 thumbprint), alg and use', async () => {
    issuer = await createTestIssuer({ algorithms: ['RS256', 'ES384', 'EdDSA'] });
    const { res, jwks } = await fetchJwks(issuer.jwksUri);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('max-age=600');
    expect(jwks.keys.map((key) => [key.kty, key.alg, key.use])).toEqual([
      ['RSA', 'RS256', 'sig'],
      ['EC', 'ES384', 'sig'],
      ['OKP', 'EdDSA', 'sig'],
    ]);
    for (const [index, key] of jwks.keys.entries()) {
      expect(key).not.toHaveProperty('d');
      expect(key.kid).toBe(await calculateJwkThumbprint(key));
      expect(key.kid).toBe(issuer.keys[index]?.kid);
    }
    expect(jwks.keys[1]?.crv).toBe('P-384');
    expect(jwks.keys[2]?.crv).toBe('Ed25519');
  });

  it('uses 2048-bit RSA keys', async () => {
    issuer = await createTestIssuer();
    const n = issuer.keys[0]?.publicJwk.n ?? '';
    expect(Buffer.from(n, 'base64url').length * 8).toBe(2048);
  });

  it('takes its Cache-Control max-age from jwksMaxAge', async () => {
    issuer = await createTestIssuer({ jwksMaxAge: 0 });
    expect((await fetch(issuer.jwksUri)).headers.get('cache-control')).toBe('max-age=0');
  });

  it('counts requests live, and resetCounters zeroes them', async () => {
    issuer = await createTestIssuer();
    const counters = issuer.requests;
    await fetchJwks(issuer.jwksUri);
    await fetchJwks(`${issuer.jwksUri}?x=1`);
    expect(counters).toEqual({ discovery: 0, jwks: 2, token: 0, total: 2 });
    issuer.resetCounters();
    expect(counters).toEqual({ discovery: 0, jwks: 0, token: 0, total: 0 });
    await fetchJwks(issuer.jwksUri);
    expect(issuer.requests.jwks).toBe(1);
  });

  it('gives every issuer its own keys', async () => {
    issuer = await createTestIssuer();
    await using other = await createTestIssuer();
    expect(other.keys[0]?.kid).not.toBe(issuer.keys[0]?.kid);
    expect(other.url).not.toBe(issuer.url);
  });
});
