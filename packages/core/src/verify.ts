import { toAuthContext } from './auth-context.js';
import { extractBearerToken } from './bearer.js';
import { checkClaimRules } from './claims.js';
import { authenticateDpop, extractDpopToken } from './dpop/authenticate.js';
import type { DpopSettings } from './dpop/options.js';
import type { DpopRequest } from './dpop/proof.js';
import { GatehouseError, invalidToken, isGatehouseError } from './errors.js';
import { emit } from './internal/emit.js';
import { IssuerResolver } from './internal/issuer-resolver.js';
import { rejectionEvent } from './internal/refusal-event.js';
import { verifySignature } from './internal/signature.js';
import { withIntrospection } from './introspection/verifier.js';
import { keyStoreFor } from './key-stores.js';
import { createObservers, observeVerifier } from './observers.js';
import { type ResolvedOptions, resolveOptions, type VerifierOptions } from './options.js';
import { precheck } from './precheck.js';
import { accessTokenProfile, boundTokenProfile, idTokenProfile, type Profile } from './profiles.js';
import { healthOf, loadAll } from './readiness.js';
import type { AuthContext, Authorization, DpopRequestSource, Verifier } from './types.js';

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
  const resolved = resolveOptions(options);
  // The user's onEvent, the logger and the telemetry behind one listener (none: undefined).
  const { onEvent, telemetry } = createObservers(resolved);
  const config: ResolvedOptions = { ...resolved, onEvent };
  const issuers = new IssuerResolver(config.issuers, {
    createStore: (issuer, jwksUri) => keyStoreFor(config, issuer, jwksUri),
    ...config.issuerLimits,
    onEvent: config.onEvent,
  });
  const access = accessTokenProfile(config);
  const bound = config.dpop && boundTokenProfile(config);

  async function run(token: string, profile: Profile): Promise<AuthContext> {
    try {
      const nowMs = Date.now();
      const { header, claims, signingInput, signature, issuer, store, window } = precheck(
        token,
        config,
        issuers,
        profile,
        nowMs,
      );
      const key =
        store.keyNow(header.alg, header.kid) ?? (await store.getKey(header.alg, header.kid));
      if (!verifySignature(header.alg, key, signingInput, signature)) {
        throw invalidToken('bad_signature', 'the token signature is not valid');
      }
      profile.checkClaims(claims, nowMs);
      const auth = toAuthContext(token, header, claims, issuer, config.rolePaths);
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
    if (config.onEvent !== undefined) emit(config.onEvent, rejectionEvent(refused));
    return refused;
  }

  /**
   * The cached verification of `token`, judged at this instant: time window and key by the cache,
   * claim predicates here (they may consult state that changed, such as a deny-list). Throws the
   * refusal a fresh verification would give.
   */
  function cached(token: string, profile: Profile = access): AuthContext | undefined {
    const entry = profile.cache?.get(token, Date.now());
    if (entry === undefined || config.claimPredicates === undefined) return entry?.auth;
    try {
      checkClaimRules(entry.auth.claims, config.claimPredicates);
    } catch (error) {
      throw refusal(error);
    }
    return entry.auth;
  }

  /** `authenticate`, but a cache hit is the `AuthContext` itself rather than a promise. */
  function authenticateNow(
    authorization: Authorization,
    request?: DpopRequestSource,
  ): AuthContext | Promise<AuthContext> {
    if (config.dpop !== undefined) {
      const answer = authenticateDpopNow(config.dpop, authorization, request);
      if (answer !== undefined) return answer;
    }
    try {
      // The usual spelling needs no parsing: a cached token is a valid b64token by construction.
      let missed: string | undefined;
      if (typeof authorization === 'string' && authorization.startsWith('Bearer ')) {
        missed = authorization.slice(7);
        const hit = cached(missed);
        if (hit !== undefined) return hit;
      }
      let token: string;
      try {
        token = extractBearerToken(authorization);
      } catch (error) {
        throw refusal(error);
      }
      // Another spelling (`bearer`, more spaces) may name a cached token; the usual one missed.
      return (token === missed ? undefined : cached(token)) ?? run(token, access);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * The answer to a DPoP credential, or to any credential when DPoP is required; `undefined`
   * when the Bearer path is to answer.
   */
  function authenticateDpopNow(
    settings: DpopSettings,
    authorization: Authorization,
    request: DpopRequestSource | undefined,
  ): Promise<AuthContext> | undefined {
    let token: string | undefined;
    let http: DpopRequest | undefined;
    try {
      token = extractDpopToken(authorization);
      if (token === undefined) {
        if (!settings.required) return undefined;
        throw new GatehouseError(
          'unauthorized',
          'missing_credentials',
          'a DPoP-bound access token and its proof are required',
        );
      }
      http = typeof request === 'function' ? request() : request;
    } catch (error) {
      return Promise.reject(refusal(error));
    }
    const profile = bound as Profile;
    return authenticateDpop(
      {
        token,
        request: http,
        verifyToken: (presented) => cached(presented, profile) ?? run(presented, profile),
        refuse: refusal,
      },
      settings,
    );
  }

  /** `verify`, but a cache hit is the `AuthContext` itself rather than a promise (telemetry). */
  function verifyNow(token: string): AuthContext | Promise<AuthContext> {
    try {
      return cached(token) ?? run(token, access);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  const verifier: Verifier = {
    verify(token) {
      try {
        return Promise.resolve(cached(token) ?? run(token, access));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    authenticate: (authorization, request) =>
      Promise.resolve(authenticateNow(authorization, request)),
    authenticateNow,
    verifyIdToken: (token, idOptions) => run(token, idTokenProfile(config, idOptions)),
    ready: () => loadAll(issuers.stores()),
    health: () => healthOf(issuers.stores()),
    challenge: config.challenge,
  };
  // Telemetry replaces the entry points with measured ones; without it they stay as they are.
  const around = { keysOf: (issuer: string) => issuers.resolve(issuer, {}), onEvent };
  if (telemetry === undefined) return withIntrospection(verifier, options, around);
  return telemetry.attach(
    withIntrospection(
      {
        ...verifier,
        ...observeVerifier(telemetry, {
          verifyNow,
          authenticateNow,
          verifyIdToken: verifier.verifyIdToken,
          cached: access.cache !== undefined,
        }),
      },
      options,
      around,
    ),
  );
}
