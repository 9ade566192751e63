/**
 * What kind of token this is: an access token, an ID token, or one bound to its client's key.
 * RFC 8725 §3.11 and RFC 9068 §2.1 (explicit typing), RFC 9449 §7.2 and RFC 8705 §3 (binding).
 */
import { invalidToken } from './errors.js';
import type { JwtClaims, JwtHeader } from './types.js';

/** The `typ` policy, resolved from the `typ` option. */
export interface TypePolicy {
  /** Accepted `typ` values, normalised (see `normalizeTyp`). */
  types: ReadonlySet<string>;
  /** A token without `typ` is refused. */
  typRequired: boolean;
}

/** RFC 7515 §4.1.9: `typ` is a media type whose `application/` prefix may be omitted; compare case-insensitively. */
export function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

// Claims only ID tokens carry (OIDC Core §2, §3.3.2.11), and Keycloak's payload `typ` values of
// its ID and refresh tokens: in lenient mode, where `typ: JWT` or no `typ` is accepted, these
// still tell an ID token or a refresh token from an access token.
const ID_TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash', 's_hash'] as const;
const NON_ACCESS_PAYLOAD_TYPES = new Set(['id', 'refresh', 'offline']);

/** Refuses anything but an access token under `policy`: an ID, refresh or other typed token. */
export function checkAccessTokenType(
  header: JwtHeader,
  claims: JwtClaims,
  policy: TypePolicy,
): void {
  const typ = header.typ;
  if (typ === undefined || (typeof typ === 'string' && normalizeTyp(typ) === 'jwt')) {
    const payloadTyp = claims.typ;
    if (
      ID_TOKEN_CLAIMS.some((name) => claims[name] !== undefined) ||
      (typeof payloadTyp === 'string' && NON_ACCESS_PAYLOAD_TYPES.has(payloadTyp.toLowerCase()))
    ) {
      throw invalidToken('type_mismatch', 'the token is not an access token');
    }
  }
  if (typ === undefined) {
    if (policy.typRequired)
      throw invalidToken(
        'type_mismatch',
        'the token has no "typ"; an access token (at+jwt) is required',
      );
    return;
  }
  if (typeof typ !== 'string' || !policy.types.has(normalizeTyp(typ))) {
    throw invalidToken('type_mismatch', 'the token is not an access token (typ)');
  }
}

/** An ID token says `typ: JWT` or nothing (OIDC Core §2); an access token (`at+jwt`) is refused. */
export function checkIdTokenType({ typ }: JwtHeader): void {
  if (typ === undefined) return;
  if (typeof typ !== 'string' || normalizeTyp(typ) !== 'jwt') {
    throw invalidToken('type_mismatch', 'the token is not an ID token (typ)');
  }
}

/**
 * A token bound to a key of its client (`cnf`: DPoP's `jkt`, mTLS's `x5t#S256`, or any other)
 * proves nothing without that key, so it is never accepted as a Bearer token.
 */
export function checkNotSenderConstrained(claims: JwtClaims): void {
  if (claims.cnf !== undefined) {
    throw invalidToken(
      'sender_constrained',
      'the token is bound to a key of its client (cnf) and cannot be used as a Bearer token',
    );
  }
}
