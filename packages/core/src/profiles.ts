import { VerifiedTokenCache } from './cache.js';
import { checkAudience, checkClaimRules, checkRequiredClaims } from './claims.js';
import { checkIdTokenClaims, type IdTokenOptions } from './id-token.js';
import type { ResolvedOptions } from './options.js';
import type { KindRules } from './precheck.js';
import { checkAccessTokenType, checkIdTokenType, checkNotSenderConstrained } from './token-kind.js';
import type { JwtClaims } from './types.js';

/** What differs between verifying an access token and an ID token. */
export interface Profile extends KindRules {
  /** Checks after the signature, on claims now known to come from the issuer. */
  checkClaims(claims: JwtClaims, nowMs: number): void;
  cache: VerifiedTokenCache | undefined;
}

/** RFC 9068 §4: an access token for this API, never bound to a client key, cached by default. */
export function accessTokenProfile(config: ResolvedOptions): Profile {
  return {
    checkType: (header, claims) => checkAccessTokenType(header, claims, config),
    checkAudience: (claims) => checkAudience(claims, config.audiences),
    checkClaims(claims) {
      checkNotSenderConstrained(claims);
      checkRequiredClaims(claims, config.requiredClaims);
      if (config.claimRules) checkClaimRules(claims, config.claimRules);
    },
    cache: config.cacheMax > 0 ? new VerifiedTokenCache(config.cacheMax) : undefined,
  };
}

/**
 * OIDC Core §3.1.3.7: an ID token, whose audience is a client rather than this API
 * (`checkIdTokenClaims` checks it). Never cached.
 */
export function idTokenProfile(config: ResolvedOptions, options: IdTokenOptions): Profile {
  return {
    checkType: checkIdTokenType,
    checkAudience: () => {},
    checkClaims: (claims, nowMs) =>
      checkIdTokenClaims(claims, options, nowMs, config.clockToleranceMs),
    cache: undefined,
  };
}
