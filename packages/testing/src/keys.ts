import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import type { Alg, SigningKey } from './types.js';

/** Every algorithm the test issuer signs with. */
export const SUPPORTED_ALGORITHMS: readonly Alg[] = Object.freeze([
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

/** True when `value` names an algorithm of {@link SUPPORTED_ALGORITHMS}. */
export function isSupportedAlg(value: unknown): value is Alg {
  return typeof value === 'string' && (SUPPORTED_ALGORITHMS as readonly string[]).includes(value);
}

/**
 * Generates a fresh key pair for `alg`: RSA keys have a 2048-bit modulus, EdDSA uses Ed25519.
 * The `kid` is the RFC 7638 JWK thumbprint of the public key, so it is unique per key.
 *
 * Does not: reuse keys across calls or issuers, or persist anything.
 */
export async function generateSigningKey(alg: Alg): Promise<SigningKey> {
  if (!isSupportedAlg(alg)) {
    throw new TypeError(
      `@gatehouse/testing: unsupported algorithm ${JSON.stringify(alg)}; use one of ${SUPPORTED_ALGORITHMS.join(', ')}`,
    );
  }
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    modulusLength: 2048,
    crv: alg === 'EdDSA' ? 'Ed25519' : undefined,
  });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  const publicJwk = Object.freeze({ ...jwk, kid, alg, use: 'sig' });
  return Object.freeze({ kid, alg, privateKey, publicJwk });
}

/** The key `kid` names, else the newest of `alg`, else the default key; throws a helpful error. */
export function pickKey(keys: readonly SigningKey[], kid?: string, alg?: Alg): SigningKey {
  const available = () => keys.map((key) => `${key.kid} (${key.alg})`).join(', ') || 'none';
  if (kid !== undefined) {
    const key = keys.find((candidate) => candidate.kid === kid);
    if (!key) throw new Error(`@gatehouse/testing: no key with kid ${kid}; keys: ${available()}`);
    if (alg !== undefined && key.alg !== alg) {
      throw new Error(`@gatehouse/testing: key ${kid} is ${key.alg}, not ${alg}`);
    }
    return key;
  }
  const key = alg === undefined ? keys[0] : keys.find((candidate) => candidate.alg === alg);
  if (!key) {
    throw new Error(
      alg === undefined
        ? '@gatehouse/testing: the issuer has no signing key (see addKey / rotateKeys)'
        : `@gatehouse/testing: the issuer has no ${alg} key (keys: ${available()}); ` +
            `pass algorithms: ['${alg}'] to createTestIssuer or call addKey('${alg}')`,
    );
  }
  return key;
}
