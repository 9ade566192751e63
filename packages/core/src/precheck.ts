import { checkTimeClaims, type TimeWindow } from './claims.js';
import { invalidToken } from './errors.js';
import { decodeCompactJws } from './internal/compact-jws.js';
import type { IssuerResolver } from './issuer-resolver.js';
import type { KeyStore } from './jwks.js';
import type { ResolvedOptions } from './options.js';
import type { JwtClaims, JwtHeader } from './types.js';

/** The checks on a token's kind and audience, which differ between access and ID tokens. */
export interface KindRules {
  checkType(header: JwtHeader, claims: JwtClaims): void;
  /** `audiences`: those of the entry that trusts the token's issuer. */
  checkAudience(claims: JwtClaims, audiences: ReadonlySet<string>): void;
}

/** A token that passed every check that needs no key: decoded, with its issuer's key store. */
export interface Prechecked {
  header: JwtHeader;
  claims: JwtClaims;
  signingInput: string;
  signature: Buffer;
  issuer: string;
  store: KeyStore;
  /** When the time claims accept the token (see `checkTimeClaims`). */
  window: TimeWindow;
}

/**
 * Every check that needs no key and no cryptography, cheapest first, so hostile input costs
 * little: size and serialisation, `alg` allowlist, `typ`, a trusted `iss`, `aud`, time claims,
 * a string `kid`. The claims are not yet known to come from the issuer: nothing here may accept
 * a token, only refuse it.
 *
 * Does not: fetch anything (an untrusted `iss` is refused before any key store is touched).
 */
export function precheck(
  token: string,
  config: ResolvedOptions,
  issuers: IssuerResolver,
  rules: KindRules,
  nowMs: number,
): Prechecked {
  const { header, claims, signingInput, signature } = decodeCompactJws(
    token,
    config.maxTokenLength,
  );
  if (!config.algorithms.has(header.alg)) {
    throw invalidToken(
      'unsupported_algorithm',
      'the token is signed with an algorithm this API does not accept',
    );
  }
  rules.checkType(header, claims);
  const issuer = claims.iss;
  if (typeof issuer !== 'string')
    throw invalidToken('missing_claim', 'the token has no "iss" claim');
  const { store, audiences, algorithms } = issuers.resolve(issuer, claims);
  if (!algorithms.has(header.alg)) {
    throw invalidToken(
      'unsupported_algorithm',
      'the token is signed with an algorithm its issuer may not use here',
    );
  }
  rules.checkAudience(claims, audiences);
  const window = checkTimeClaims(claims, {
    nowMs,
    toleranceMs: config.clockToleranceMs,
    maxTokenAgeMs: config.maxTokenAgeMs,
  });
  if (header.kid !== undefined && typeof header.kid !== 'string') {
    throw invalidToken('malformed_token', 'the token header "kid" is not a string');
  }
  return { header, claims, signingInput, signature, issuer, store, window };
}
