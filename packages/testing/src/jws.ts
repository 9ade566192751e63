import { createHmac, webcrypto } from 'node:crypto';
import { base64url, CompactSign } from 'jose';
import type { Alg, SigningKey } from './types.js';

/** A JWS payload: an object is JSON-serialised, a string is UTF-8 encoded, bytes are used as is. */
export type JwsPayload = Record<string, unknown> | string | Uint8Array;

/** What signs a compact JWS: one of the issuer's keys, and/or an HMAC secret for HS* headers. */
export interface JwsSigner {
  key?: SigningKey;
  secret?: string | Uint8Array;
}

const HMAC_HASH: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

function payloadBytes(payload: JwsPayload): Uint8Array {
  if (payload instanceof Uint8Array) return payload;
  return new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload));
}

// WebCrypto parameters for a key's own algorithm; only used when jose refuses the header.
function webCryptoParams(
  alg: Alg,
): webcrypto.AlgorithmIdentifier | webcrypto.RsaPssParams | webcrypto.EcdsaParams {
  const bits = Number(alg.slice(2));
  switch (alg.slice(0, 2)) {
    case 'RS':
      return { name: 'RSASSA-PKCS1-v1_5' };
    case 'PS':
      return { name: 'RSA-PSS', saltLength: bits / 8 };
    case 'ES':
      return { name: 'ECDSA', hash: `SHA-${bits}` };
    default:
      return { name: 'Ed25519' };
  }
}

/**
 * Produces a compact JWS (RFC 7515 §7.1) of EXACTLY `header` and `payload`, for hostile tokens:
 * - `alg: "none"` (any letter case): unsecured, empty signature (RFC 7518 §3.6);
 * - `HS256/384/512`: HMAC with `signer.secret` (e.g. the issuer's public key, for alg confusion);
 * - otherwise `signer.key` signs; jose `CompactSign` is used when the header's `alg` is the key's
 *   own and it has no `crit`/`b64`, else the key signs with its own algorithm whatever the header
 *   claims (so "the header lies about alg" tokens are well-formed).
 *
 * Does not: validate the header, apply RFC 7797 `b64: false` (the payload is always base64url),
 * or sign an asymmetric header without a key.
 */
export async function signCompact(
  header: Record<string, unknown>,
  payload: JwsPayload,
  signer: JwsSigner,
): Promise<string> {
  const bytes = payloadBytes(payload);
  const signingInput = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(bytes)}`;
  const alg = header.alg;

  if (typeof alg === 'string' && alg.toLowerCase() === 'none') return `${signingInput}.`;

  const hmacHash = typeof alg === 'string' ? HMAC_HASH[alg] : undefined;
  if (hmacHash) {
    if (signer.secret === undefined) {
      throw new TypeError(`@gatehouse/testing: sign() with alg ${alg} needs options.secret`);
    }
    const mac = createHmac(hmacHash, signer.secret).update(signingInput).digest();
    return `${signingInput}.${base64url.encode(mac)}`;
  }

  const key = signer.key;
  if (!key) throw new TypeError('@gatehouse/testing: the issuer has no signing key');

  if (alg === key.alg && header.crit === undefined && header.b64 === undefined) {
    return new CompactSign(bytes)
      .setProtectedHeader(header as { alg: string })
      .sign(key.privateKey);
  }
  const signature = await webcrypto.subtle.sign(
    webCryptoParams(key.alg),
    key.privateKey as webcrypto.CryptoKey,
    new TextEncoder().encode(signingInput),
  );
  return `${signingInput}.${base64url.encode(new Uint8Array(signature))}`;
}
