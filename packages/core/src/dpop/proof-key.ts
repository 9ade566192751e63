/**
 * The public key a DPoP proof carries in its `jwk` header (RFC 9449 §4.2), imported with Node's
 * JWK importer, and its RFC 7638 thumbprint, which a bound token names in `cnf.jkt`.
 *
 * Does not: accept a JWK with private or symmetric members (RFC 9449 §4.3 step 7), a key of
 * another family than the proof's `alg` (RFC 7518 §3.1), or an RSA modulus under 2048 bits.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { GatehouseError } from '../errors.js';

export interface ProofKey {
  key: KeyObject;
  /** base64url SHA-256 JWK thumbprint (RFC 7638 §3). */
  thumbprint: string;
}

/** The proof algorithms Gatehouse can verify, with the key each needs. */
const KEY_FOR_ALG: Readonly<Record<string, { kty: string; crv?: readonly string[] }>> = {
  ES256: { kty: 'EC', crv: ['P-256'] },
  ES256K: { kty: 'EC', crv: ['secp256k1'] },
  ES384: { kty: 'EC', crv: ['P-384'] },
  ES512: { kty: 'EC', crv: ['P-521'] },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  EdDSA: { kty: 'OKP', crv: ['Ed25519', 'Ed448'] },
};

/** Algorithms a DPoP proof may use: asymmetric only (RFC 9449 §4.3 step 6). */
export const DPOP_ALGORITHMS: readonly string[] = Object.keys(KEY_FOR_ALG);

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
};

// RFC 7517 / 7518 §6: members that only private or symmetric keys have.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

const MIN_RSA_BITS = 2048;

// A client signs many proofs with one key: its import and thumbprint are kept, keyed by the
// thumbprint input (the exact members imported). Bounded: emptied when full.
const KEYS_KEPT = 256;
const imported = new Map<string, ProofKey>();

/** Imports the proof's `jwk` for `alg`, or throws `invalid_dpop_proof` / `dpop_invalid_key`. */
export function importProofKey(jwk: unknown, alg: string): ProofKey {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
    throw invalidKey('the DPoP proof has no "jwk" header');
  }
  const members = jwk as Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((name) => members[name] !== undefined)) {
    throw invalidKey('the DPoP proof "jwk" holds private key material');
  }
  const expected = KEY_FOR_ALG[alg];
  const kty = members['kty'];
  if (
    expected === undefined ||
    kty !== expected.kty ||
    (expected.crv !== undefined && !expected.crv.includes(members['crv'] as string))
  ) {
    throw invalidKey('the DPoP proof "jwk" does not fit its algorithm');
  }
  const minimal: Record<string, string> = {};
  for (const name of THUMBPRINT_MEMBERS[kty] as readonly string[]) {
    const value = members[name];
    if (typeof value !== 'string') throw invalidKey('the DPoP proof "jwk" is incomplete');
    minimal[name] = value;
  }
  const canonical = JSON.stringify(minimal);
  const known = imported.get(canonical);
  if (known !== undefined) return known;

  let key: KeyObject;
  try {
    // biome-ignore lint/suspicious/noExplicitAny: node's JsonWebKey type is narrower than a JWK.
    key = createPublicKey({ key: minimal as any, format: 'jwk' });
  } catch {
    throw invalidKey('the DPoP proof "jwk" is not a valid public key');
  }
  if (kty === 'RSA' && (key.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) {
    throw invalidKey(`the DPoP proof RSA key is shorter than ${MIN_RSA_BITS} bits`);
  }
  const proofKey = {
    key,
    thumbprint: createHash('sha256').update(canonical).digest('base64url'),
  };
  if (imported.size >= KEYS_KEPT) imported.clear();
  imported.set(canonical, proofKey);
  return proofKey;
}

const invalidKey = (description: string) =>
  new GatehouseError('invalid_dpop_proof', 'dpop_invalid_key', description);
