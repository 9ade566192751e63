import {
  constants,
  createHash,
  generateKeyPairSync,
  type KeyObject,
  randomUUID,
  sign,
} from 'node:crypto';
import { base64url, calculateJwkThumbprint, type JWK } from 'jose';

/** Algorithms a `DpopKey` can sign proofs with. */
export type DpopAlg =
  | 'ES256'
  | 'ES256K'
  | 'ES384'
  | 'ES512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'RS256';

/** What a proof covers; everything else has a valid default. */
export interface DpopProofOptions {
  /** `htm`. */
  method: string;
  /** `htu`: the request URL (query and fragment are dropped, as RFC 9449 §4.2 asks). */
  url: string;
  /** The access token the proof accompanies: `ath` = its base64url SHA-256. */
  accessToken?: string;
  /** A server nonce (RFC 9449 §9). */
  nonce?: string;
  /** `iat`, seconds. Default now. */
  iat?: number;
  /** `jti`. Default a fresh UUID. */
  jti?: string;
  /** Protected header members to add or override (`undefined` removes one), for hostile proofs. */
  header?: Record<string, unknown>;
  /** Claims to add or override (`undefined` removes one), for hostile proofs. */
  claims?: Record<string, unknown>;
}

/** A client's DPoP key (RFC 9449 §4): makes proofs, and the `cnf.jkt` of tokens bound to it. */
export interface DpopKey {
  readonly alg: DpopAlg;
  /** The public JWK carried by every proof. */
  readonly publicJwk: Readonly<JWK>;
  /** RFC 7638 thumbprint of `publicJwk`: mint bound tokens with `{ cnf: { jkt } }`. */
  readonly jkt: string;
  /** A signed DPoP proof JWT for one request. */
  proof(options: DpopProofOptions): string;
}

const CURVES: Partial<Record<DpopAlg, string>> = {
  ES256: 'P-256',
  ES256K: 'secp256k1',
  ES384: 'P-384',
  ES512: 'P-521',
};

/**
 * Generates a DPoP key pair for `alg` (default ES256; RSA keys are 2048-bit) and returns a
 * `DpopKey`. Signs with node:crypto, so secp256k1 (ES256K) works too.
 *
 * Does not: keep or share keys; check what it is asked to put in a proof.
 */
export async function createDpopKey(alg: DpopAlg = 'ES256'): Promise<DpopKey> {
  const curve = CURVES[alg];
  const { privateKey, publicKey } = curve
    ? generateKeyPairSync('ec', { namedCurve: curve })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicJwk = Object.freeze(publicKey.export({ format: 'jwk' }) as JWK);
  const jkt = await calculateJwkThumbprint(publicJwk);
  return Object.freeze({
    alg,
    publicJwk,
    jkt,
    proof: (options: DpopProofOptions) => signProof(alg, privateKey, publicJwk, options),
  });
}

function signProof(
  alg: DpopAlg,
  privateKey: KeyObject,
  publicJwk: JWK,
  options: DpopProofOptions,
): string {
  const url = new URL(options.url);
  const header = withOverrides({ typ: 'dpop+jwt', alg, jwk: publicJwk }, options.header);
  const claims = withOverrides(
    {
      jti: options.jti ?? randomUUID(),
      htm: options.method,
      htu: `${url.origin}${url.pathname}`,
      iat: options.iat ?? Math.floor(Date.now() / 1000),
      ...(options.accessToken === undefined
        ? {}
        : { ath: createHash('sha256').update(options.accessToken).digest('base64url') }),
      ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    },
    options.claims,
  );
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(claims))}`;
  const digest = `sha${alg.slice(2, 5)}`;
  const signature = alg.startsWith('ES')
    ? sign(digest, Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' })
    : sign(digest, Buffer.from(input), {
        key: privateKey,
        ...(alg.startsWith('PS')
          ? {
              padding: constants.RSA_PKCS1_PSS_PADDING,
              saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
            }
          : {}),
      });
  return `${input}.${base64url.encode(signature)}`;
}

function withOverrides(
  base: Record<string, unknown>,
  overrides: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const result = { ...base, ...overrides };
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) delete result[name];
  }
  return result;
}
