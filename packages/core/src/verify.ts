import { extractBearerToken } from './bearer.js';
import { VerifiedTokenCache } from './cache.js';
import { checkAudience, checkClaimRules, checkRequiredClaims, checkTimeClaims } from './claims.js';
import { type ChallengeOptions, GatehouseError, invalidToken, isGatehouseError } from './errors.js';
import { checkIdTokenClaims, type IdTokenOptions } from './id-token.js';
import { decodeCompactJws } from './internal/compact-jws.js';
import { emit } from './internal/emit.js';
import { createSecretKeyStore } from './internal/secret-key-store.js';
import { verifySignature } from './internal/signature.js';
import { createStaticKeyStore, getRemoteKeyStore, type KeyStore } from './jwks.js';
import {
  normalizeTyp,
  type ResolvedOptions,
  resolveOptions,
  type VerifierOptions,
} from './options.js';
import { extractScopes } from './scopes.js';
import type { AuthContext, JwtClaims, JwtHeader } from './types.js';

/** Verifies access tokens (and, on request, ID tokens) of the configured issuers. */
export interface Verifier {
  /**
   * Verifies an access token (RFC 9068 §4) and returns what it says.
   * Throws `GatehouseError`: `invalid_token` for any bad token, `temporarily_unavailable` when
   * the issuer's keys cannot be had.
   */
  verify(token: string): Promise<AuthContext>;
  /**
   * Extracts the Bearer token from an `Authorization` header value (RFC 6750 §2.1) and verifies
   * it. Throws `GatehouseError` `unauthorized` when there is no Bearer credential at all,
   * `invalid_request` when it is malformed, else as `verify`.
   */
  authenticate(authorization: string | readonly string[] | undefined): Promise<AuthContext>;
  /**
   * Verifies an OpenID Connect ID token (OIDC Core §3.1.3.7) of a configured issuer, for APIs
   * that receive one to cross-reference a user. Never cached; an access token (`typ: at+jwt`) is
   * refused.
   */
  verifyIdToken(token: string, options: IdTokenOptions): Promise<AuthContext>;
  /** `realm` and `resource_metadata` for `toHttpResponse`. */
  readonly challenge: ChallengeOptions;
}

/** What differs between access-token and ID-token verification. */
interface Profile {
  checkType(header: JwtHeader, claims: JwtClaims): void;
  checkAudience(claims: JwtClaims): void;
  /** Checks after the signature, on claims now known to come from the issuer. */
  checkClaims(claims: JwtClaims, nowMs: number): void;
  cache: VerifiedTokenCache | undefined;
}

/**
 * Builds a verifier. Options are validated here, once: a bad option throws
 * `GatehouseConfigError` naming it. No network request is made until the first token arrives.
 *
 * The pipeline, cheapest checks first so hostile input costs little: decode and precheck
 * (size, serialisation, `alg` allowlist, `typ`, known issuer) → `aud` and time claims → key of
 * the token's own issuer → signature → required claims and claim rules → scopes.
 *
 * Does not: take keys from the token (`jku`, `x5u`, `jwk`, `x5c`); accept `none`, or HMAC without
 * a configured secret; make network requests other than discovery and JWKS of configured issuers.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const config = resolveOptions(options);
  const stores = new Map(config.issuers.map((issuer) => [issuer, createKeyStore(config, issuer)]));

  const accessProfile: Profile = {
    checkType: (header, claims) => checkAccessTokenType(header, claims, config),
    checkAudience: (claims) => checkAudience(claims, config.audiences),
    checkClaims(claims) {
      checkNotSenderConstrained(claims);
      checkRequiredClaims(claims, config.requiredClaims);
      if (config.claimRules) checkClaimRules(claims, config.claimRules);
    },
    cache: config.cacheMax > 0 ? new VerifiedTokenCache(config.cacheMax) : undefined,
  };

  /** Full verification; the cache is consulted by the caller, and offered every success. */
  async function run(token: string, profile: Profile): Promise<AuthContext> {
    try {
      const nowMs = Date.now();
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
      profile.checkType(header, claims);
      const issuer = claims.iss;
      if (typeof issuer !== 'string')
        throw invalidToken('missing_claim', 'the token has no "iss" claim');
      const store = stores.get(issuer);
      if (store === undefined)
        throw invalidToken(
          'issuer_mismatch',
          'the token is from an issuer this API does not trust',
        );
      profile.checkAudience(claims);
      const window = checkTimeClaims(claims, {
        nowMs,
        toleranceMs: config.clockToleranceMs,
        maxTokenAgeMs: config.maxTokenAgeMs,
      });
      if (header.kid !== undefined && typeof header.kid !== 'string') {
        throw invalidToken('malformed_token', 'the token header "kid" is not a string');
      }

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
          { cause: error },
        );
    emit(config.onEvent, { type: 'token_rejected', code: refused.code, reason: refused.reason });
    return refused;
  }

  /**
   * The cached verification of `token`, re-judged at this instant: time window and key by the
   * cache, claim predicates here (they may consult state that changed, such as a deny-list).
   * `undefined` when there is none; throws the refusal a fresh verification would give.
   */
  function cached(token: string): AuthContext | undefined {
    const entry = accessProfile.cache?.get(token, Date.now());
    if (entry === undefined) return undefined;
    if (config.claimPredicates !== undefined) {
      try {
        checkClaimRules(entry.auth.claims, config.claimPredicates);
      } catch (error) {
        throw refusal(error);
      }
    }
    return entry.auth;
  }

  function verify(token: string): Promise<AuthContext> {
    try {
      const hit = cached(token);
      return hit === undefined ? run(token, accessProfile) : Promise.resolve(hit);
    } catch (error) {
      return Promise.reject(error);
    }
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
      return cached(token) ?? run(token, accessProfile);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  function authenticate(authorization: Authorization): Promise<AuthContext> {
    const outcome = authenticateNow(authorization);
    return outcome instanceof Promise ? outcome : Promise.resolve(outcome);
  }

  // The ID token's audience is a client, not this API: checkIdTokenClaims checks it.
  const idProfile = (idOptions: IdTokenOptions): Profile => ({
    checkType: checkIdTokenType,
    checkAudience: () => {},
    checkClaims: (claims, nowMs) =>
      checkIdTokenClaims(claims, idOptions, nowMs, config.clockToleranceMs),
    cache: undefined,
  });

  const verifier: Verifier = {
    verify,
    authenticate,
    verifyIdToken: (token, idOptions) => run(token, idProfile(idOptions)),
    challenge: config.challenge,
  };
  immediate.set(verifier, authenticateNow);
  return verifier;
}

type Authorization = string | readonly string[] | undefined;
type AuthenticateNow = (authorization: Authorization) => AuthContext | Promise<AuthContext>;

// Not on the public `Verifier`: only the adapters' shared handler answers a hit without a promise.
const immediate = new WeakMap<Verifier, AuthenticateNow>();

/**
 * `verifier.authenticate` answering a cache hit with the `AuthContext` itself instead of a
 * promise (same checks on the hit: `exp`, `nbf`, key still current). Only for verifiers made by
 * `createVerifier`.
 */
export const authenticateNowOf = (verifier: Verifier): AuthenticateNow | undefined =>
  immediate.get(verifier);

function createKeyStore(config: ResolvedOptions, issuer: string): KeyStore {
  if (config.secret) return createSecretKeyStore(issuer, config.secret);
  if (config.keys) return createStaticKeyStore(issuer, config.keys, config.keyFetch.maxKeys);
  return getRemoteKeyStore({
    issuer,
    ...(config.jwksUri === undefined ? {} : { jwksUri: config.jwksUri }),
    ...config.keyFetch,
    ...(config.onEvent === undefined ? {} : { onEvent: config.onEvent }),
  });
}

// Claims only ID tokens carry (OIDC Core §2, §3.3.2.11), and Keycloak's payload `typ` values of
// its ID and refresh tokens: in lenient mode, where `typ: JWT` or no `typ` is accepted, these
// still tell an ID token or a refresh token from an access token.
const ID_TOKEN_CLAIMS = ['nonce', 'at_hash', 'c_hash', 's_hash'] as const;
const NON_ACCESS_PAYLOAD_TYPES = new Set(['id', 'refresh', 'offline']);

/** RFC 8725 §3.11 and RFC 9068 §2.1: explicit typing keeps token kinds apart. */
function checkAccessTokenType(header: JwtHeader, claims: JwtClaims, config: ResolvedOptions): void {
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
    if (config.typRequired)
      throw invalidToken(
        'type_mismatch',
        'the token has no "typ"; an access token (at+jwt) is required',
      );
    return;
  }
  if (typeof typ !== 'string' || !config.types.has(normalizeTyp(typ))) {
    throw invalidToken('type_mismatch', 'the token is not an access token (typ)');
  }
}

/**
 * RFC 9449 §7.2 (and RFC 8705 §3 for certificate-bound tokens): a token bound to a key of its
 * client (`cnf`) proves nothing without that key, so it is never accepted as a Bearer token.
 */
function checkNotSenderConstrained(claims: JwtClaims): void {
  if (claims.cnf !== undefined) {
    throw invalidToken(
      'sender_constrained',
      'the token is bound to a key of its client (cnf) and cannot be used as a Bearer token',
    );
  }
}

function checkIdTokenType({ typ }: JwtHeader): void {
  if (typ === undefined) return;
  if (typeof typ !== 'string' || normalizeTyp(typ) !== 'jwt') {
    throw invalidToken('type_mismatch', 'the token is not an ID token (typ)');
  }
}

function toAuthContext(
  token: string,
  header: JwtHeader,
  claims: JwtClaims,
  issuer: string,
): AuthContext {
  const { sub, client_id: clientIdClaim, azp } = claims;
  if (sub !== undefined && typeof sub !== 'string')
    throw invalidToken('invalid_claim', 'the "sub" claim is not a string');
  const clientId =
    typeof clientIdClaim === 'string' ? clientIdClaim : typeof azp === 'string' ? azp : undefined;
  const auth: AuthContext = {
    token,
    header, // header and claims come deeply frozen from decodeCompactJws
    claims,
    issuer,
    scopes: Object.freeze(extractScopes(claims)),
  };
  if (sub !== undefined) auth.subject = sub;
  if (clientId !== undefined) auth.clientId = clientId;
  // Shared by every request that presents this token (cache), so nobody may change it.
  return Object.freeze(auth);
}

/**
 * True for a machine-to-machine token (client credentials grant): no end user, so `sub` is
 * absent or names the client itself (RFC 9068 §2.2).
 */
export function isClientCredentials(auth: Pick<AuthContext, 'subject' | 'clientId'>): boolean {
  return (
    auth.subject === undefined || (auth.clientId !== undefined && auth.subject === auth.clientId)
  );
}
