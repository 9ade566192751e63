import { invalidToken } from '../errors.js';
import type { JwtClaims, JwtHeader } from '../types.js';

/** A compact JWS split and decoded, not yet verified. */
export interface DecodedJws {
  header: JwtHeader;
  claims: JwtClaims;
  /** ASCII `header.payload`, the bytes the signature covers. */
  signingInput: string;
  signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * A non-empty, canonical base64url segment (RFC 7515 §2, RFC 4648 §3.5): only the URL-safe
 * alphabet, no padding, no length of 1 mod 4, and no bits set beyond the encoded bytes in its
 * last character — so each byte string has exactly one spelling, as jose requires. Otherwise a
 * signature would verify under up to 16 spellings, each a distinct token to every cache.
 */
export function isBase64url(segment: string): boolean {
  if (!BASE64URL.test(segment)) return false;
  const rest = segment.length % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  const last = ALPHABET.indexOf(segment[segment.length - 1] as string);
  return (last & (rest === 2 ? 0b1111 : 0b11)) === 0;
}

/**
 * Splits and decodes a compact JWS (RFC 7515 §7.1) whose payload is a JWT claims set.
 *
 * Rejects before any cryptography: oversize input, JWE (five parts) and JSON serialisation,
 * non-base64url segments, headers or payloads that are not JSON objects, `crit` (RFC 7515
 * §4.1.11: we understand no extension) and `b64: false` (RFC 7797).
 *
 * Does not: check `alg`, `typ` or any claim; look at `jku`, `x5u`, `jwk` or `x5c` (they are never
 * key sources, RFC 8725 §3.10).
 */
export function decodeCompactJws(token: string, maxLength: number): DecodedJws {
  if (token.length > maxLength) {
    throw invalidToken('token_too_large', `the token is longer than ${maxLength} bytes`);
  }
  const first = token.indexOf('.');
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  if (second === -1 || token.indexOf('.', second + 1) !== -1) {
    throw token.split('.').length === 5 || token.startsWith('{')
      ? invalidToken('unsupported_serialization', 'only compact JWS access tokens are accepted')
      : invalidToken('malformed_token', 'the token is not a JWT');
  }
  const headerPart = token.slice(0, first);
  const payloadPart = token.slice(first + 1, second);
  const signaturePart = token.slice(second + 1);
  if (!isBase64url(payloadPart) || !isBase64url(signaturePart)) {
    throw invalidToken('malformed_token', 'the token is not a JWT');
  }
  const header = headers.get(headerPart) ?? decodeHeader(headerPart);
  const claims = decodeObject(payloadPart) as JwtClaims | undefined;
  if (!claims) throw invalidToken('malformed_token', 'the token payload is not a JSON object');
  // Shared by every request presenting this token (verified-token cache): nobody may change it.
  deepFreeze(claims);

  return {
    header,
    claims,
    signingInput: token.slice(0, second),
    signature: Buffer.from(signaturePart, 'base64url'),
  };
}

// Every token signed with one key carries the same header segment, byte for byte, so its decoded
// and checked form is kept. Bounded: emptied when full, so varied (hostile) headers cost a
// clear now and then, never memory. Entries are frozen: they are shared by every token.
const HEADERS_KEPT = 64;
const headers = new Map<string, JwtHeader>();

function decodeHeader(segment: string): JwtHeader {
  if (!isBase64url(segment)) throw invalidToken('malformed_token', 'the token is not a JWT');
  const header = decodeObject(segment) as JwtHeader | undefined;
  if (!header || typeof header.alg !== 'string') {
    throw invalidToken('malformed_token', 'the token header is not valid');
  }
  if (header.crit !== undefined) {
    throw invalidToken('unsupported_header', 'the token header has critical extensions');
  }
  if (header.b64 !== undefined) {
    throw invalidToken('unsupported_header', 'unencoded payloads (b64) are not accepted');
  }
  if (headers.size >= HEADERS_KEPT) headers.clear();
  headers.set(segment, deepFreeze(header));
  return header;
}

/**
 * Freezes a parsed JSON value and everything in it, and drops own `__proto__` members (JSON.parse
 * makes them own properties; code that copies claims with `Object.assign` or spreads would turn
 * them into a prototype). Iterative: nesting depth costs no stack.
 */
function deepFreeze<T extends object>(root: T): T {
  const pending: object[] = [root];
  for (let value = pending.pop(); value !== undefined; value = pending.pop()) {
    if (Object.hasOwn(value, '__proto__')) Reflect.deleteProperty(value, '__proto__');
    for (const key in value) {
      const member = (value as Record<string, unknown>)[key];
      if (typeof member === 'object' && member !== null) pending.push(member);
    }
    Object.freeze(value);
  }
  return root;
}

function decodeObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
