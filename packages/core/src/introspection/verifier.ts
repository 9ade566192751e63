import { extractBearerToken } from '../bearer.js';
import { DEFAULTS } from '../defaults.js';
import { invalidToken } from '../errors.js';
import { durationMs } from '../option-schemas.js';
import type { VerifierOptions } from '../options.js';
import { refuser } from '../refusal.js';
import type { AuthContext, EventListener } from '../types.js';
import type { Authorization, DpopRequestSource, Verifier } from '../verifier.js';
import { createIntrospector, type Introspector, type ResponseKeys } from './introspector.js';
import { introspectingIssuers, isJoseShaped, routeOpaque } from './routing.js';

/**
 * `verifier` with the issuers' `introspection` options applied (RFC 7662), or `verifier` itself
 * when no issuer entry has one. Options are validated now: a bad one throws
 * `GatehouseConfigError` naming it. `around.keysOf(issuer)` gives the issuer's key store (for
 * RFC 9701 JWT answers); `around.onEvent` is the verifier's listener (user, logger, telemetry).
 *
 * A token shaped like a JWS or JWE (three or five segments whose first is a JSON object) is
 * verified as a JWT by `verifier`; when its issuer's `introspection.tokens` is `'jwt'` or
 * `'all'`, it must then also be active at that issuer's endpoint (revocation), and its context
 * stays the JWT's. Any other Bearer token is opaque and goes to the endpoint `routing.ts` picks.
 *
 * The endpoint's answer fills the same `AuthContext` (`issuer`, `subject` from `sub`,
 * `clientId` from `client_id`, `scopes` from `scope`, `claims` = the response without
 * `active`; `header` is `{ alg: 'none' }`: no JOSE header). Refusals: `active: false`, an
 * expired or not-yet-valid token, another `iss`, no `aud` of this API, a `cnf` or a
 * `token_type` other than Bearer → 401 `invalid_token`; an opaque token no issuer's `match`
 * accepts → 401 `unknown_issuer` without a call; endpoint down, slow, an HTTP error, a response
 * that is not a well-formed (or, with `response: 'jwt'`, a correctly signed) introspection
 * answer, or the circuit breaker open → 503 + `Retry-After`, never a 200.
 *
 * Does not: decrypt RFC 9701 JWE answers; authenticate with mTLS (RFC 8705); introspect a
 * DPoP-bound opaque token (a `cnf` answer is refused; `Authorization: DPoP` goes to
 * `verifier`); send an opaque token to more than one endpoint; cache in `verifier`'s
 * verified-token cache (introspection has its own, bounded by `cache.maxTtl`).
 */
export function withIntrospection(
  verifier: Verifier,
  options: VerifierOptions,
  around: {
    keysOf: (issuer: string) => ReturnType<ResponseKeys>;
    onEvent: EventListener | undefined;
  },
): Verifier {
  const { keysOf, onEvent } = around;
  const entries = introspectingIssuers(options.issuer, options.allowInsecureRequests ?? false);
  if (entries.length === 0) return verifier;
  const clockToleranceMs = durationMs(options.clockTolerance, DEFAULTS.clockTolerance);
  const rolePaths = options.roles === undefined ? [] : [options.roles].flat();
  const introspectors = entries.map(({ settings, audience }) => ({
    settings,
    introspector: createIntrospector(
      settings,
      {
        issuer: settings.issuer,
        audiences: new Set([audience ?? options.audience ?? []].flat()),
        clockToleranceMs,
        rolePaths,
      },
      onEvent,
      () => keysOf(settings.issuer),
    ),
  }));
  const opaque = introspectors.filter(({ settings }) => settings.tokens !== 'jwt');
  const jwtChecks = new Map<string, Introspector>(
    introspectors
      .filter(({ settings }) => settings.tokens !== 'opaque')
      .map(({ settings, introspector }) => [settings.issuer, introspector]),
  );
  const maxTokenLength = options.maxTokenLength ?? DEFAULTS.maxTokenLength;
  // With `dpop.required`, a Bearer credential counts as none: `verifier` answers it.
  const dpop = options.dpop;
  const bearerAccepted = !(typeof dpop === 'object' && dpop.required === true);

  // The verifier's one refusal mapping: an event per refusal, an unexpected error an outage.
  const refuse = refuser(onEvent);
  const refused = (error: unknown): never => {
    throw refuse(error);
  };
  const introspectOpaque = async (token: string): Promise<AuthContext> => {
    try {
      if (token.length > maxTokenLength) {
        throw invalidToken('token_too_large', 'the token is too large');
      }
      const route = routeOpaque(token, opaque);
      if (route === undefined) {
        throw invalidToken('unknown_issuer', 'no trusted issuer introspects this token');
      }
      return await route.introspector.introspect(token);
    } catch (error) {
      return refused(error);
    }
  };
  /** The JWT's own context, once its issuer's endpoint (if it asks for JWTs) says it is active. */
  const checkJwt = async (verified: AuthContext | Promise<AuthContext>) => {
    const auth = await verified;
    const introspector = jwtChecks.get(auth.issuer);
    if (introspector !== undefined) await introspector.checkActive(auth.token).catch(refused);
    return auth;
  };
  /** The Bearer token of `authorization` when it is opaque and ours to introspect. */
  const opaqueBearer = (authorization: Authorization): string | undefined => {
    if (!bearerAccepted || opaque.length === 0) return undefined;
    let token: string;
    try {
      token = extractBearerToken(authorization);
    } catch {
      return undefined; // no Bearer credential, or a malformed one: `verifier` answers it
    }
    return isJoseShaped(token) ? undefined : token;
  };
  /** A JWT's answer: as `verifier` gives it, unless its issuer's endpoint must confirm it. */
  const jwtAnswer = <T extends AuthContext | Promise<AuthContext>>(verified: T) =>
    jwtChecks.size === 0 ? verified : checkJwt(verified);
  const authenticateNow = (authorization: Authorization, request?: DpopRequestSource) => {
    const token = opaqueBearer(authorization);
    if (token !== undefined) return introspectOpaque(token);
    return jwtAnswer(
      verifier.authenticateNow
        ? verifier.authenticateNow(authorization, request)
        : verifier.authenticate(authorization, request),
    );
  };

  return {
    ...verifier,
    verify: (token) =>
      opaque.length > 0 && bearerAccepted && !isJoseShaped(token)
        ? introspectOpaque(token)
        : Promise.resolve(jwtAnswer(verifier.verify(token))),
    authenticate: (authorization, request) =>
      Promise.resolve(authenticateNow(authorization, request)),
    authenticateNow,
  };
}
