import { type KeyObject, randomUUID, sign } from 'node:crypto';
import { DIGEST, keyInputFor } from '../internal/signature.js';

/** Algorithms a client assertion may be signed with, by key type (RFC 7518 §3.1, RFC 8037). */
export function assertionAlgorithms(key: KeyObject): string[] {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      const alg = { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' }[curve ?? ''];
      return alg ? [alg] : [];
    }
    case 'ed25519':
      return ['EdDSA'];
    default:
      return [];
  }
}

export interface AssertionSigner {
  clientId: string;
  /** The assertion's `aud`: the issuer identifier (RFC 7523 §3; accepted by every endpoint). */
  audience: string;
  key: KeyObject;
  alg: string;
  kid: string | undefined;
}

/**
 * A `private_key_jwt` client assertion (RFC 7523 §2.2, §3; OIDC Core §9): `iss` = `sub` = the
 * client id, `aud` the issuer, a fresh `jti`, valid for 60 s.
 *
 * Does not: reuse a `jti`; put anything but those claims in it.
 */
export function clientAssertion(signer: AssertionSigner, nowMs = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  const header = { alg: signer.alg, typ: 'JWT', ...(signer.kid ? { kid: signer.kid } : {}) };
  const claims = {
    iss: signer.clientId,
    sub: signer.clientId,
    aud: signer.audience,
    jti: randomUUID(),
    iat: now,
    exp: now + 60,
  };
  const input = `${encode(header)}.${encode(claims)}`;
  const signature = sign(
    DIGEST[signer.alg] ?? null,
    Buffer.from(input),
    keyInputFor(signer.alg, signer.key),
  );
  return `${input}.${signature.toString('base64url')}`;
}

const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
