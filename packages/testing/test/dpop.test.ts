import { createHash } from 'node:crypto';
import { EmbeddedJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { createDpopKey, type DpopAlg } from '../src/index.js';

const URL_ = 'https://api.example.com/accounts?page=2#top';

describe('createDpopKey', () => {
  // jose (the reference) verifies every proof with the embedded key; ES256K is not in jose's
  // WebCrypto set, so it is checked by the core's own tests instead.
  it.each<DpopAlg>(['ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256'])(
    'signs RFC 9449 §4.2 proofs with %s that jose verifies',
    async (alg) => {
      const key = await createDpopKey(alg);
      const proof = key.proof({ method: 'POST', url: URL_, accessToken: 'tok', nonce: 'n-1' });
      const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, {
        typ: 'dpop+jwt',
        algorithms: [alg],
      });
      expect(protectedHeader.jwk).toEqual(key.publicJwk);
      expect(protectedHeader.jwk).not.toHaveProperty('d');
      expect(payload).toMatchObject({
        htm: 'POST',
        htu: 'https://api.example.com/accounts',
        nonce: 'n-1',
        ath: createHash('sha256').update('tok').digest('base64url'),
      });
      expect(typeof payload.jti).toBe('string');
      expect(Math.abs((payload.iat as number) - Date.now() / 1000)).toBeLessThan(5);
    },
  );

  it('gives a fresh jti per proof, and lets a test override or remove members', async () => {
    const key = await createDpopKey();
    const a = key.proof({ method: 'GET', url: URL_ });
    const b = key.proof({
      method: 'GET',
      url: URL_,
      header: { typ: undefined },
      claims: { jti: 'x' },
    });
    const decode = (jwt: string, part: number) =>
      JSON.parse(Buffer.from(jwt.split('.')[part]!, 'base64url').toString());
    expect(decode(a, 1).jti).not.toBe(decode(key.proof({ method: 'GET', url: URL_ }), 1).jti);
    expect(decode(b, 0)).not.toHaveProperty('typ');
    expect(decode(b, 1).jti).toBe('x');
    expect(decode(a, 1)).not.toHaveProperty('ath');
  });
});
