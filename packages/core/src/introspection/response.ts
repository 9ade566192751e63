/**
 * Reading an introspection response (RFC 7662 §2.2) and deciding what it means for this API.
 *
 * Does not: accept a response without a boolean `active` (that is garbage, never a 200); accept
 * a sender-constrained token (`cnf`) or a `token_type` other than Bearer as a Bearer token;
 * accept a token that names no audience of this API, or no audience at all; trust `exp` or
 * `nbf` claims the authorization server itself got wrong.
 */
import { GatehouseError, invalidToken } from '../errors.js';
import { FetchFailure } from '../internal/fetch-json.js';
import { extractRoles } from '../roles.js';
import { extractScopes } from '../scopes.js';
import { checkNotSenderConstrained } from '../token-kind.js';
import type { AuthContext, JwtClaims, JwtHeader } from '../types.js';
import type { IntrospectionRecord } from './store.js';

// Members whose type RFC 7662 §2.2 fixes; a response that breaks them is not trusted at all.
const STRINGS = ['scope', 'client_id', 'username', 'token_type', 'sub', 'iss', 'jti'] as const;
const NUMBERS = ['exp', 'iat', 'nbf'] as const;

/** An opaque token has no JOSE header; contexts from introspection carry this one. */
export const INTROSPECTED_HEADER: Readonly<JwtHeader> = Object.freeze({ alg: 'none' });

/**
 * The record for an endpoint's JSON answer. Throws `FetchFailure` when it is not a well-formed
 * introspection response (the caller answers 503: a broken endpoint is an outage).
 */
export function readResponse(body: unknown): IntrospectionRecord {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new FetchFailure('introspection: response is not a JSON object');
  }
  const response = body as Record<string, unknown>;
  if (typeof response['active'] !== 'boolean') {
    throw new FetchFailure('introspection: response has no boolean "active"');
  }
  if (!response['active']) return { active: false };
  const wrong = [
    ...STRINGS.filter((name) => !isAbsentOr(response[name], (v) => typeof v === 'string')),
    ...NUMBERS.filter((name) => !isAbsentOr(response[name], Number.isFinite)),
    ...(isAbsentOr(response['aud'], isAudience) ? [] : ['aud']),
  ];
  if (wrong.length) {
    throw new FetchFailure(`introspection: malformed member(s) ${wrong.join(', ')}`);
  }
  const { active: _active, ...claims } = response;
  return { active: true, claims: Object.freeze(claims) };
}

export interface AcceptanceRules {
  issuer: string;
  audiences: ReadonlySet<string>;
  clockToleranceMs: number;
  /** The verifier's `roles` claim paths. */
  rolePaths: readonly string[];
}

/**
 * The `AuthContext` for `token` whose record is `record`, at `nowMs`, or the refusal:
 * 401 `invalid_token` for an inactive, expired, not-yet-valid, foreign, sender-constrained or
 * non-Bearer token.
 */
export function toAuthContext(
  token: string,
  record: IntrospectionRecord,
  rules: AcceptanceRules,
  nowMs: number,
): AuthContext {
  if (!record.active) throw invalidToken('token_inactive', 'the token is not active');
  const claims = record.claims as JwtClaims;
  if (claims.iss !== undefined && claims.iss !== rules.issuer) {
    throw invalidToken('issuer_mismatch', 'the token was issued by another issuer');
  }
  checkNotSenderConstrained(claims);
  const type = claims['token_type'];
  if (typeof type === 'string' && type.toLowerCase() !== 'bearer') {
    throw invalidToken('type_mismatch', 'the token is not a Bearer access token');
  }
  if (claims.exp !== undefined && nowMs - rules.clockToleranceMs >= claims.exp * 1000) {
    throw invalidToken('expired', 'the token has expired');
  }
  if (claims.nbf !== undefined && nowMs + rules.clockToleranceMs < claims.nbf * 1000) {
    throw invalidToken('not_yet_valid', 'the token is not valid yet');
  }
  const audiences = claims.aud === undefined ? [] : [claims.aud].flat();
  if (!audiences.some((audience) => rules.audiences.has(audience))) {
    throw invalidToken('audience_mismatch', 'the token is not meant for this API');
  }
  return Object.freeze({
    token,
    header: INTROSPECTED_HEADER as JwtHeader,
    claims,
    issuer: rules.issuer,
    ...(claims.sub === undefined ? {} : { subject: claims.sub }),
    ...(claims.client_id === undefined ? {} : { clientId: claims.client_id }),
    scopes: Object.freeze(extractScopes(claims)),
    roles: Object.freeze(extractRoles(claims, rules.rolePaths)),
  });
}

/** The 503 answered while the endpoint (or its discovery) fails. */
export const introspectionUnavailable = (retryAfter: number, cause: unknown) =>
  new GatehouseError(
    'temporarily_unavailable',
    'introspection_unavailable',
    'the authorization server cannot check the token right now',
    { retryAfter, cause },
  );

const isAbsentOr = (value: unknown, check: (value: unknown) => boolean) =>
  value === undefined || check(value);

const isAudience = (value: unknown) =>
  typeof value === 'string' ||
  (Array.isArray(value) && value.every((item) => typeof item === 'string'));
