import {
  constants,
  createHmac,
  type KeyObject,
  timingSafeEqual,
  type VerifyKeyObjectInput,
  verify,
} from 'node:crypto';

/**
 * node:crypto verification with a ready KeyObject: synchronous, about four times cheaper per
 * call than WebCrypto's thread-pool round trip, which is what jose uses on Node. jose stays the
 * reference: `test/jose-differential.test.ts` feeds both the same tokens.
 */
/** The hash of each JWS algorithm (`null`: EdDSA hashes internally). */
export const DIGEST: Record<string, string | null> = {
  RS256: 'sha256',
  RS384: 'sha384',
  RS512: 'sha512',
  PS256: 'sha256',
  PS384: 'sha384',
  PS512: 'sha512',
  ES256: 'sha256',
  ES384: 'sha384',
  ES512: 'sha512',
  // secp256k1 (RFC 8812 §3.2): DPoP proofs only; no access-token key set ever offers it.
  ES256K: 'sha256',
  EdDSA: null,
  HS256: 'sha256',
  HS384: 'sha384',
  HS512: 'sha512',
};

// RFC 7518 §3.4: R and S as fixed-size big-endian integers, concatenated.
const ECDSA_SIGNATURE_BYTES: Record<string, number> = {
  ES256: 64,
  ES256K: 64,
  ES384: 96,
  ES512: 132,
};

/**
 * node:crypto's key input for a JWS `alg` (signing or verifying): PSS padding with a
 * digest-sized salt for PS*, IEEE P1363 (R || S) signatures for ES*, the bare key otherwise.
 */
export function keyInputFor(alg: string, key: KeyObject): KeyObject | VerifyKeyObjectInput {
  if (alg.startsWith('PS')) {
    return {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    };
  }
  return alg.startsWith('ES') ? { key, dsaEncoding: 'ieee-p1363' } : key;
}

/**
 * Whether `signature` is valid for `signingInput` under `key` with `alg`. The caller has already
 * matched the key's type to the algorithm family. Never throws.
 *
 * Does not: accept `none`; skip OpenSSL's ECDSA range checks on r and s (a zero or out-of-range
 * value fails verification).
 */
export function verifySignature(
  alg: string,
  key: KeyObject,
  signingInput: string,
  signature: Buffer,
): boolean {
  const digest = DIGEST[alg];
  if (digest === undefined) return false;
  const data = Buffer.from(signingInput, 'latin1');
  try {
    if (alg.startsWith('HS')) {
      const expected = createHmac(digest as string, key)
        .update(data)
        .digest();
      return expected.length === signature.length && timingSafeEqual(expected, signature);
    }
    if (alg.startsWith('ES') && signature.length !== ECDSA_SIGNATURE_BYTES[alg]) return false;
    return verify(digest, data, keyInputFor(alg, key), signature);
  } catch {
    return false;
  }
}
