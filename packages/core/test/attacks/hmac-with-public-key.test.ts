import { createPublicKey } from 'node:crypto';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { expectRefused, validClaims, warmVerifier } from './support.js';

// The classic key-confusion attack: an HS256 token whose HMAC secret is the issuer's public key.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

describe('HS256 signed with the public key as secret', () => {
  it.each(['pem', 'jwk', 'der'] as const)('refuses it (public key as %s)', async (form) => {
    const publicKey = createPublicKey({ key: issuer.keys[0]!.publicJwk as never, format: 'jwk' });
    const secret =
      form === 'pem'
        ? (publicKey.export({ type: 'spki', format: 'pem' }) as string)
        : form === 'der'
          ? new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }))
          : JSON.stringify(issuer.keys[0]!.publicJwk);
    const verifier = await warmVerifier(issuer);
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      const token = await issuer.sign(
        { alg, typ: 'at+jwt', kid: issuer.keys[0]!.kid },
        validClaims(issuer),
        { secret },
      );
      await expectRefused(verifier, token, 'unsupported_algorithm');
    }
  });
});
