/**
 * RFC 9701 JWT introspection responses: the answer is a JWS signed by the authorization server,
 * verified with its keys from the same key store (and node:crypto path) as its access tokens.
 *
 * Does not: decrypt (a JWE answer, RFC 9701 §5, is refused); accept `none`, an algorithm the
 * issuer's tokens may not use, a key from the response itself, or a plain JSON answer once JWT
 * answers were asked for (no downgrade). Every refusal is a `FetchFailure`: the caller answers
 * 503, as for any endpoint that answers garbage; never a 200.
 */
import { isGatehouseError } from '../errors.js';
import { decodeCompactJws } from '../internal/compact-jws.js';
import { FetchFailure } from '../internal/fetch-json.js';
import { verifySignature } from '../internal/signature.js';
import type { KeyStore } from '../jwks.js';
import type { JwtClaims } from '../types.js';

/** The media type asked for and required (RFC 9701 §4, §5). */
export const JWT_RESPONSE_TYPE = 'application/token-introspection+jwt';

/** How far `iat` may lie in the past: an answer is minted for this call, not replayed later. */
const MAX_RESPONSE_AGE_MS = 5 * 60_000;

/** What a JWT answer is checked against. */
export interface JwtResponseRules {
  /** The issuer that must have signed it (its `iss`). */
  issuer: string;
  /** Our client id: the answer's `aud` (RFC 9701 §5). */
  clientId: string;
  /** The issuer's key store and the algorithms its tokens may use. */
  keys: { store: KeyStore; algorithms: ReadonlySet<string> };
  clockToleranceMs: number;
  maxBytes: number;
}

/**
 * The `token_introspection` member of a verified JWT answer (to be read as RFC 7662 JSON).
 * Rejects with `FetchFailure` naming what is wrong.
 */
export async function readJwtResponse(
  body: string,
  contentType: string | null,
  rules: JwtResponseRules,
  nowMs: number,
): Promise<unknown> {
  if (contentType?.split(';')[0]?.trim().toLowerCase() !== JWT_RESPONSE_TYPE) {
    throw new FetchFailure(`introspection: the answer is not ${JWT_RESPONSE_TYPE}`);
  }
  let jws: ReturnType<typeof decodeCompactJws>;
  try {
    jws = decodeCompactJws(body.trim(), rules.maxBytes);
  } catch {
    throw new FetchFailure('introspection: the answer is not a compact JWS');
  }
  const { header, claims } = jws;
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : '';
  if (typ !== 'token-introspection+jwt' && typ !== JWT_RESPONSE_TYPE) {
    throw new FetchFailure('introspection: the answer JWT has the wrong typ');
  }
  if (!rules.keys.algorithms.has(header.alg)) {
    throw new FetchFailure('introspection: the answer JWT uses an algorithm not allowed');
  }
  const { store } = rules.keys;
  let key: Awaited<ReturnType<KeyStore['getKey']>>;
  try {
    key = store.keyNow(header.alg, header.kid) ?? (await store.getKey(header.alg, header.kid));
  } catch (error) {
    const reason = isGatehouseError(error) ? error.reason : 'unexpected error';
    throw new FetchFailure(`introspection: no key for the answer JWT (${reason})`);
  }
  if (!verifySignature(header.alg, key, jws.signingInput, jws.signature)) {
    throw new FetchFailure('introspection: the answer JWT signature is not valid');
  }
  const problem = claimProblem(claims, rules, nowMs);
  if (problem) throw new FetchFailure(`introspection: the answer JWT ${problem}`);
  return claims['token_introspection'];
}

function claimProblem(claims: JwtClaims, rules: JwtResponseRules, nowMs: number) {
  if (claims.iss !== rules.issuer) return 'has another iss';
  const audiences = claims.aud === undefined ? [] : [claims.aud].flat();
  if (!audiences.includes(rules.clientId)) return 'is not addressed to our client id';
  if (typeof claims.iat !== 'number' || !Number.isFinite(claims.iat)) return 'has no iat';
  const iatMs = claims.iat * 1000;
  if (iatMs > nowMs + rules.clockToleranceMs) return 'was issued in the future';
  if (iatMs < nowMs - rules.clockToleranceMs - MAX_RESPONSE_AGE_MS) return 'is too old';
  const exp = claims.exp;
  if (
    exp !== undefined &&
    !(typeof exp === 'number' && nowMs - rules.clockToleranceMs < exp * 1000)
  ) {
    return 'has expired';
  }
  const inner = claims['token_introspection'];
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
    return 'has no token_introspection object';
  }
  return undefined;
}
