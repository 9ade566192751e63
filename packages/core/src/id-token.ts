import { type Duration, parseDurationSeconds } from './duration.js';
import { invalidToken } from './errors.js';
import type { JwtClaims } from './types.js';

/** What an ID token must match besides issuer and signature (OpenID Connect Core §3.1.3.7). */
export interface IdTokenOptions {
  /** The client the ID token was issued to: must be in `aud`, and equal `azp` when present. */
  clientId: string;
  /** The `nonce` sent in the authentication request; when given, the claim must equal it. */
  nonce?: string;
  /** The `max_age` requested; when given, `auth_time` is required and bounded. */
  maxAge?: Duration;
}

/**
 * OIDC Core §3.1.3.7 items 3–5, 9–11 and the `max_age` rule: `aud` contains the client, `azp`
 * is the client (required when there are several audiences), `sub` and `iat` are present,
 * `nonce` matches, `auth_time` is recent enough.
 *
 * Does not: check `iss`, signature, `exp` (the shared pipeline does), nor `at_hash`/`c_hash`
 * (those bind an ID token to a front-channel response, which an API never sees).
 */
export function checkIdTokenClaims(
  claims: JwtClaims,
  options: IdTokenOptions,
  nowMs: number,
  toleranceMs: number,
): void {
  const aud = claims.aud;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.includes(options.clientId)) {
    throw invalidToken('audience_mismatch', 'the ID token was not issued to this client');
  }
  if ((audiences.length > 1 || claims.azp !== undefined) && claims.azp !== options.clientId) {
    throw invalidToken('azp_mismatch', 'the ID token was issued to another party (azp)');
  }
  for (const name of ['sub', 'iat'] as const) {
    if (claims[name] === undefined)
      throw invalidToken('missing_claim', `the ID token has no "${name}" claim`);
  }
  if (options.nonce !== undefined && claims.nonce !== options.nonce) {
    throw invalidToken('nonce_mismatch', 'the ID token nonce does not match');
  }
  if (options.maxAge !== undefined) {
    const maxAgeSeconds = parseDurationSeconds(options.maxAge) ?? 0;
    const authTime = claims.auth_time;
    if (typeof authTime !== 'number')
      throw invalidToken('missing_claim', 'the ID token has no "auth_time" claim');
    if (nowMs - toleranceMs > (authTime + maxAgeSeconds) * 1000) {
      throw invalidToken('auth_time_too_old', 'the end user authenticated too long ago (max_age)');
    }
  }
}
