import { toAuthContext } from './auth-context.js';
import { extractBearerToken, usualBearerToken } from './bearer.js';
import { answerDpop } from './dpop/authenticate.js';
import { invalidToken } from './errors.js';
import { verifySignature } from './internal/signature.js';
import { withIntrospection } from './introspection/verifier.js';
import { IssuerResolver } from './issuer-resolver.js';
import { keyStoreFor } from './key-stores.js';
import { createObservers, withTelemetry } from './observers.js';
import { type ResolvedOptions, resolveOptions, type VerifierOptions } from './options.js';
import { precheck } from './precheck.js';
import { accessTokenProfile, boundTokenProfile, idTokenProfile, type Profile } from './profiles.js';
import { healthOf, loadAll } from './readiness.js';
import { refuser } from './refusal.js';
import type { AuthContext } from './types.js';
import type { Authorization, DpopRequestSource, Verifier } from './verifier.js';

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
  const refuse = refuser(onEvent);
  const issuers = new IssuerResolver(config.issuers, {
    createStore: (issuer, jwksUri) => keyStoreFor(config, issuer, jwksUri),
    ...config.issuerLimits,
    onEvent,
  });
  const access = accessTokenProfile(config);
  const bound = config.dpop && boundTokenProfile(config);
  const boundToken = { verifyToken: (token: string) => verifyNow(token, bound as Profile), refuse };

  /** The full verification of `token`; every refusal passes `refuse` once. */
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
      throw refuse(error);
    }
  }

  /** `verify`, but a cache hit is the `AuthContext` itself rather than a promise. */
  function verifyNow(token: string, profile = access): AuthContext | Promise<AuthContext> {
    let hit: AuthContext | undefined;
    try {
      hit = profile.recall(token, Date.now());
    } catch (error) {
      return Promise.reject(refuse(error));
    }
    return hit ?? run(token, profile);
  }

  /** `authenticate`, but a cache hit is the `AuthContext` itself rather than a promise. */
  function authenticateNow(
    authorization: Authorization,
    request?: DpopRequestSource,
  ): AuthContext | Promise<AuthContext> {
    const dpop = config.dpop && answerDpop(authorization, request, boundToken, config.dpop);
    if (dpop !== undefined) return dpop;
    let token: string;
    try {
      // The usual spelling is looked up before parsing, and not a second time after it.
      const usual = usualBearerToken(authorization);
      const hit = usual === undefined ? undefined : access.recall(usual, Date.now());
      if (hit !== undefined) return hit;
      token = extractBearerToken(authorization);
      if (token === usual) return run(token, access);
    } catch (error) {
      return Promise.reject(refuse(error));
    }
    return verifyNow(token);
  }

  const verifier = {
    verify: (token: string) => Promise.resolve(verifyNow(token)),
    authenticate: (authorization: Authorization, request?: DpopRequestSource) =>
      Promise.resolve(authenticateNow(authorization, request)),
    authenticateNow,
    verifyIdToken: (token, idOptions) => run(token, idTokenProfile(config, idOptions)),
    ready: () => loadAll(issuers.stores()),
    health: () => healthOf(issuers.stores()),
    challenge: config.challenge,
  } satisfies Verifier;
  // Telemetry measures the entry points (without it they stay as they are), introspection goes
  // around them, and `telemetryOf` finds the verifier users get.
  const around = { keysOf: (issuer: string) => issuers.resolve(issuer, {}), onEvent };
  const measured = withTelemetry(verifier, telemetry, verifyNow, access.cache !== undefined);
  const wrapped = withIntrospection(measured, options, around);
  return telemetry === undefined ? wrapped : telemetry.attach(wrapped);
}
