import { toAuthContext } from './auth-context.js';
import { extractBearerToken } from './bearer.js';
import { checkClaimRules } from './claims.js';
import { GatehouseError, invalidToken, isGatehouseError } from './errors.js';
import { emit } from './internal/emit.js';
import { verifySignature } from './internal/signature.js';
import { keyStoreFor } from './key-stores.js';
import { resolveOptions, type VerifierOptions } from './options.js';
import { precheck } from './precheck.js';
import { accessTokenProfile, idTokenProfile, type Profile } from './profiles.js';
import type { AuthContext, Authorization, Verifier } from './types.js';

/**
 * Builds a verifier. Options are validated here, once: a bad option throws
 * `GatehouseConfigError` naming it. No network request is made until the first token arrives.
 *
 * The pipeline: `precheck` (no key, no crypto) → the key of the token's own issuer → signature →
 * claims known to come from the issuer → `AuthContext` → verified-token cache.
 *
 * Does not: take keys from the token (`jku`, `x5u`, `jwk`, `x5c`); accept `none`, or HMAC without
 * a configured secret; make network requests other than discovery and JWKS of configured issuers.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const config = resolveOptions(options);
  const stores = new Map(config.issuers.map((issuer) => [issuer, keyStoreFor(config, issuer)]));
  const access = accessTokenProfile(config);

  async function run(token: string, profile: Profile): Promise<AuthContext> {
    try {
      const nowMs = Date.now();
      const { header, claims, signingInput, signature, issuer, store, window } = precheck(
        token,
        config,
        stores,
        profile,
        nowMs,
      );
      const key =
        store.keyNow(header.alg, header.kid) ?? (await store.getKey(header.alg, header.kid));
      if (!verifySignature(header.alg, key, signingInput, signature)) {
        throw invalidToken('bad_signature', 'the token signature is not valid');
      }
      profile.checkClaims(claims, nowMs);
      const auth = toAuthContext(token, header, claims, issuer);
      profile.cache?.offer(token, { auth, window, key, alg: header.alg, kid: header.kid, store });
      return auth;
    } catch (error) {
      throw refusal(error);
    }
  }

  /** Every refusal passes here once: unexpected errors become an outage, never a 500. */
  function refusal(error: unknown): GatehouseError {
    const refused = isGatehouseError(error)
      ? error
      : new GatehouseError(
          'temporarily_unavailable',
          'keys_unavailable',
          'the token could not be checked now',
          {
            cause: error,
          },
        );
    emit(config.onEvent, { type: 'token_rejected', code: refused.code, reason: refused.reason });
    return refused;
  }

  /**
   * The cached verification of `token`, judged at this instant: time window and key by the cache,
   * claim predicates here (they may consult state that changed, such as a deny-list). Throws the
   * refusal a fresh verification would give.
   */
  function cached(token: string): AuthContext | undefined {
    const entry = access.cache?.get(token, Date.now());
    if (entry === undefined || config.claimPredicates === undefined) return entry?.auth;
    try {
      checkClaimRules(entry.auth.claims, config.claimPredicates);
    } catch (error) {
      throw refusal(error);
    }
    return entry.auth;
  }

  /** `authenticate`, but a cache hit is the `AuthContext` itself rather than a promise. */
  function authenticateNow(authorization: Authorization): AuthContext | Promise<AuthContext> {
    try {
      // The usual spelling needs no parsing: a cached token is a valid b64token by construction.
      if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) {
        const hit = cached(authorization.slice(7));
        if (hit !== undefined) return hit;
      }
      let token: string;
      try {
        token = extractBearerToken(authorization);
      } catch (error) {
        throw refusal(error);
      }
      return cached(token) ?? run(token, access);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  return {
    verify(token) {
      try {
        return Promise.resolve(cached(token) ?? run(token, access));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    authenticate: (authorization) => Promise.resolve(authenticateNow(authorization)),
    authenticateNow,
    verifyIdToken: (token, idOptions) => run(token, idTokenProfile(config, idOptions)),
    challenge: config.challenge,
  };
}
