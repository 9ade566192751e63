/** JWS algorithms Gatehouse can verify (RFC 7518 §3.1, RFC 8037). `none` is not among them. */
export const ASYMMETRIC_ALGORITHMS = [
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
] as const;

/** Accepted only when a shared `secret` is configured, and then exclusively (RFC 8725 §3.1). */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;

export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];
export type HmacAlgorithm = (typeof HMAC_ALGORITHMS)[number];
export type Algorithm = AsymmetricAlgorithm | HmacAlgorithm;

const ALL: ReadonlySet<string> = new Set([...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS]);

export const isSupportedAlgorithm = (alg: string): alg is Algorithm => ALL.has(alg);
export const isHmacAlgorithm = (alg: string): alg is HmacAlgorithm => alg.startsWith('HS');

/** RFC 7518 §3.2: an HMAC key must be at least as long as the hash output. */
export const HMAC_MIN_SECRET_BYTES: Record<HmacAlgorithm, number> = {
  HS256: 32,
  HS384: 48,
  HS512: 64,
};
