import { createHmac, webcrypto } from 'node:crypto';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import {
  base64url,
  compactVerify,
  createRemoteJWKSet,
  decodeProtectedHeader,
  exportSPKI,
  importJWK,
  jwtVerify,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256'] });
});
afterAll(() => issuer.close());

const parts = (token: string) => token.split('.');
const decodePart = (part: string | undefined) =>
  JSON.parse(Buffer.from(part ?? '', 'base64url').toString('utf8')) as unknown;
const payload = { iss: 'x', sub: 'evil', exp: 4_102_444_800 };

describe('sign', () => {
  it('signs exactly the given header and payload with the default key', async () => {
    const rs = issuer.keys[0];
    const header = { alg: 'RS256', kid: rs?.kid, typ: 'at+jwt', extra: [1, 2] };
    const token = await issuer.sign(header, payload);
    const [h, p] = parts(token);
    expect(h).toBe(base64url.encode(JSON.stringify(header)));
    expect(decodePart(p)).toEqual(payload);
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
    await expect(jwtVerify(token, jwks)).resolves.toMatchObject({ payload });
  });

  it('makes an unsecured token with alg none and an empty signature', async () => {
    for (const alg of ['none', 'None', 'NONE']) {
      const token = await issuer.sign({ alg }, payload);
      const [h, p, s] = parts(token);
      expect(decodePart(h)).toEqual({ alg });
      expect(decodePart(p)).toEqual(payload);
      expect(s).toBe('');
    }
  });

  it('forges HS256 with the public key as the secret (alg confusion)', async () => {
    const publicKey = (await importJWK(
      issuer.keys[0]?.publicJwk ?? {},
      'RS256',
    )) as webcrypto.CryptoKey;
    const spki = await exportSPKI(publicKey);
    const token = await issuer.sign({ alg: 'HS256', kid: issuer.keys[0]?.kid }, payload, {
      secret: spki,
    });
    const [h, p, s] = parts(token);
    expect(s).toBe(createHmac('sha256', spki).update(`${h}.${p}`).digest('base64url'));
    const { payload: verified } = await compactVerify(token, new TextEncoder().encode(spki));
    expect(JSON.parse(new TextDecoder().decode(verified))).toEqual(payload);
  });

  it('requires a secret for HS* headers', async () => {
    await expect(issuer.sign({ alg: 'HS512' }, payload)).rejects.toThrow(/needs options\.secret/);
  });

  it('keeps an unknown kid in the header while signing with a real key', async () => {
    const token = await issuer.sign({ alg: 'ES256', kid: 'unknown-kid' }, payload);
    expect(decodeProtectedHeader(token).kid).toBe('unknown-kid');
    const es = issuer.keys.find((key) => key.alg === 'ES256');
    const key = await importJWK(es?.publicJwk ?? {}, 'ES256');
    await expect(compactVerify(token, key)).resolves.toBeTruthy();
  });

  it('signs with the key named by options.kid whatever the header claims', async () => {
    const es = issuer.keys.find((key) => key.alg === 'ES256');
    const header = { alg: 'RS256', kid: issuer.keys[0]?.kid };
    const token = await issuer.sign(header, payload, { kid: es?.kid });
    expect(decodeProtectedHeader(token)).toEqual(header);
    const [h, p, s] = parts(token);
    const publicKey = await webcrypto.subtle.importKey(
      'jwk',
      es?.publicJwk as webcrypto.JsonWebKey,
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    const valid = await webcrypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      publicKey,
      Buffer.from(s ?? '', 'base64url'),
      new TextEncoder().encode(`${h}.${p}`),
    );
    expect(valid).toBe(true);
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));
    await expect(jwtVerify(token, jwks)).rejects.toMatchObject({
      code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    });
  });

  it('signs headers jose would refuse (unknown crit, b64) without changing them', async () => {
    const header = { alg: 'RS256', crit: ['exp-ext'], 'exp-ext': 1, b64: false };
    const token = await issuer.sign(header, payload);
    const [h, p] = parts(token);
    expect(decodePart(h)).toEqual(header);
    expect(decodePart(p)).toEqual(payload);
    const key = await importJWK(issuer.keys[0]?.publicJwk ?? {}, 'RS256');
    // b64 is not listed in crit, so RFC 7797 does not apply and the signature is the usual one.
    await expect(compactVerify(token, key, { crit: { 'exp-ext': true } })).resolves.toBeTruthy();
    const empty = await issuer.sign({ alg: 'RS256', crit: [] }, payload);
    expect(decodePart(parts(empty)[0])).toEqual({ alg: 'RS256', crit: [] });
  });

  it('accepts a raw string payload, e.g. one that is not JSON', async () => {
    const token = await issuer.sign({ alg: 'RS256' }, 'not json');
    expect(Buffer.from(parts(token)[1] ?? '', 'base64url').toString()).toBe('not json');
    const key = await importJWK(issuer.keys[0]?.publicJwk ?? {}, 'RS256');
    await expect(compactVerify(token, key)).resolves.toBeTruthy();
  });

  it('signs a header without alg using the default key', async () => {
    const token = await issuer.sign({ typ: 'JWT' }, payload);
    expect(parts(token)[2]).not.toBe('');
    expect(decodePart(parts(token)[0])).toEqual({ typ: 'JWT' });
  });

  it('rejects options.kid that the issuer does not have', async () => {
    await expect(issuer.sign({ alg: 'RS256' }, payload, { kid: 'nope' })).rejects.toThrow(
      /no key with kid nope/,
    );
  });
});
