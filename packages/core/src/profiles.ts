import { VerifiedTokenCache } from './cache.js';
import { checkAudience, checkClaimRules, checkRequiredClaims } from './claims.js';
import { checkIdTokenClaims, type IdTokenOptions } from './id-token.js';
import type { ResolvedOptions } from './options.js';
import type { KindRules } from './precheck.js';
import { checkAccessTokenType, checkIdTokenType, checkNotSenderConstrained } from './token-kind.js';
import type { AuthContext, JwtClaims } from './types.js';

/** What differs between verifying an access token and an ID token. */
export interface Profile extends KindRules {
  /** Checks after the signature, on claims now known to come from the issuer. */
  checkClaims(claims: JwtClaims, nowMs: number): void;
  cache: VerifiedTokenCache | undefined;
  /**
   * The cached verification of `token`, judged at `nowMs`: time window and key by the cache,
   * claim predicates again (they may consult state that changed, such as a deny-list). Throws
   * the refusal a fresh verification would give; `undefined` when not cached.
   */
  recall(token: string, nowMs: number): AuthContext | undefined;
}

/** RFC 9068 §4: an access token for this API, never bound to a client key, cached by default. */
export function accessTokenProfile(config: ResolvedOptions): Profile {
  const cache = config.cacheMax > 0 ? new VerifiedTokenCache(config.cacheMax) : undefined;
  const predicates = config.claimPredicates;
  return {
    checkType: (header, claims) => checkAccessTokenType(header, claims, config),
    checkAudience: (claims, audiences) => checkAudience(claims, audiences, config.audienceClaim),
    checkClaims(claims) {
      checkNotSenderConstrained(claims);
      checkRequiredClaims(claims, config.requiredClaims);
      checkClaimRules(claims, config.claimRules);
    },
    cache,
    recall(token, nowMs) {
      const auth = cache?.get(token, nowMs)?.auth;
      if (auth !== undefined && predicates !== undefined) checkClaimRules(auth.claims, predicates);
      return auth;
    },
  };
}

/**
 * RFC 9449 §7: an access token presented with a DPoP proof. It may (and, checked with the proof,
 * must) carry `cnf`; it has a cache of its own, so a bound token verified here can never be a
 * cache hit for a Bearer request.
 */
export function boundTokenProfile(config: ResolvedOptions): Profile {
  return {
    ...accessTokenProfile(config),
    checkClaims(claims) {
      checkRequiredClaims(claims, config.requiredClaims);
      checkClaimRules(claims, config.claimRules);
    },
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
    recall: () => undefined,
  };
}
