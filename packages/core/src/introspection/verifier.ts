import { extractBearerToken } from '../bearer.js';
import { GatehouseConfigError } from '../config-error.js';
import { DEFAULTS } from '../defaults.js';
import { invalidToken, isGatehouseError } from '../errors.js';
import { emit } from '../internal/emit.js';
import { durationMs } from '../option-schemas.js';
import type { VerifierOptions } from '../options.js';
import type { AuthContext, Verifier } from '../types.js';
import { createVerifier } from '../verify.js';
import { createIntrospector } from './introspector.js';
import { type IntrospectionOptions, resolveIntrospection } from './options.js';

/** `createVerifier` options plus `introspection` (RFC 7662). */
export type IntrospectingVerifierOptions = VerifierOptions & {
  introspection: IntrospectionOptions;
};

/**
 * A verifier that also accepts opaque access tokens by asking the issuer's introspection
 * endpoint (RFC 7662), e.g. `requireAuth({ verifier: createIntrospectingVerifier(options) })`.
 * Options are validated now: a bad one throws `GatehouseConfigError` naming it.
 *
 * A token shaped like a JWS or JWE (three or five segments whose first is a JSON object) is
 * verified as a JWT, exactly as `createVerifier` does; any other token goes to the endpoint.
 * With `introspection.tokens: 'all'`, a JWT is verified locally first and then must also be
 * `active` at the endpoint (revocation), and its context is the JWT's.
 *
 * The endpoint's answer fills the same `AuthContext` (`issuer`, `subject` from `sub`,
 * `clientId` from `client_id`, `scopes` from `scope`, `claims` = the response without
 * `active`; `header` is `{ alg: 'none' }`: no JOSE header). Refusals: `active: false`, an
 * expired or not-yet-valid token, another `iss`, no `aud` of this API, a `cnf` or a
 * `token_type` other than Bearer → 401 `invalid_token`; endpoint down, slow, an HTTP error or
 * a response that is not a well-formed introspection answer → 503 + `Retry-After`, never a 200.
 *
 * Does not: verify RFC 9701 JWT introspection responses (it asks for JSON); authenticate with
 * mTLS (RFC 8705); send an opaque token to more than one issuer's endpoint.
 */
export function createIntrospectingVerifier(options: IntrospectingVerifierOptions): Verifier {
  const { introspection, ...rest } = options;
  const jwt = createVerifier(rest);
  if (introspection === undefined) {
    throw new GatehouseConfigError([{ path: 'introspection', message: 'is required' }]);
  }
  const settings = resolveIntrospection(
    introspection,
    [rest.issuer]
      .flat()
      .map((entry) =>
        typeof entry === 'string' ? entry : 'template' in entry ? entry.template : entry.issuer,
      ),
    rest.allowInsecureRequests ?? false,
  );
  const introspector = createIntrospector(
    settings,
    {
      issuer: settings.issuer,
      audiences: new Set(rest.audience === undefined ? [] : [rest.audience].flat()),
      clockToleranceMs: durationMs(rest.clockTolerance, DEFAULTS.clockTolerance),
      rolePaths: rest.roles === undefined ? [] : [rest.roles].flat(),
    },
    rest.onEvent,
  );
  const maxTokenLength = rest.maxTokenLength ?? DEFAULTS.maxTokenLength;

  const introspect = async (token: string): Promise<AuthContext> => {
    try {
      if (token.length > maxTokenLength) {
        throw invalidToken('token_too_large', 'the token is too large');
      }
      return await introspector.introspect(token);
    } catch (error) {
      if (isGatehouseError(error)) {
        emit(rest.onEvent, { type: 'token_rejected', code: error.code, reason: error.reason });
      }
      throw error;
    }
  };
  const checkJwt = async (context: Promise<AuthContext>, token: string) => {
    const verified = await context;
    if (settings.tokens === 'all') await introspect(token);
    return verified;
  };

  return {
    challenge: jwt.challenge,
    verify: (token) =>
      isJoseShaped(token) ? checkJwt(jwt.verify(token), token) : introspect(token),
    async authenticate(authorization) {
      const token = extractBearerToken(authorization);
      return isJoseShaped(token)
        ? checkJwt(jwt.authenticate(authorization), token)
        : introspect(token);
    },
    verifyIdToken: (token, idTokenOptions) => jwt.verifyIdToken(token, idTokenOptions),
    // Readiness of the JWT side (discovery and keys); the introspection endpoint is reached on demand.
    ready: () => jwt.ready(),
    health: () => jwt.health(),
  };
}

/** JWS (3 segments) or JWE (5) whose protected header decodes to a JSON object. */
function isJoseShaped(token: string): boolean {
  const dot = token.indexOf('.');
  const segments = token.split('.').length;
  if (dot <= 0 || (segments !== 3 && segments !== 5)) return false;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString());
    return typeof header === 'object' && header !== null && !Array.isArray(header);
  } catch {
    return false;
  }
}
