import { z } from 'zod';
import { readClaim } from './claim-path.js';
import { type ClaimRules, matchesRule } from './claims.js';
import { GatehouseConfigError } from './config-error.js';
import { type Duration, parseDurationSeconds } from './duration.js';
import { type AuthScheme, type ErrorReason, GatehouseError } from './errors.js';
import { settingsOf, warnGuardWithoutAuth } from './internal/request-state.js';
import { claimRules, duration, parseOrThrow } from './option-schemas.js';
import { hasAnyRole, hasRoles } from './roles.js';
import { hasAnyScope, hasScopes } from './scopes.js';
import type { AuthContext } from './types.js';

/**
 * A per-route check on an authenticated request. Returns nothing when the request may pass and
 * throws `GatehouseError` when it may not. `request` is the object the adapter gave to
 * `AuthHandler.authenticate` (Express `req`, Koa `ctx`, Fastify `request`).
 */
export type Guard = (auth: AuthContext | undefined, request?: object) => void;

/** `'all'`: every listed scope is needed; `'any'`: one of them is enough. */
export type ScopeMode = 'all' | 'any';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ); URLs are fine, spaces are not.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/**
 * A guard that requires scopes (RFC 6750 §3.1 `insufficient_scope`).
 *
 * Refusal: 403 `insufficient_scope` with `scope` = the listed scopes (for `'any'`, the
 * alternatives: RFC 6750 §3 lets `scope` name what would be sufficient). No `AuthContext`:
 * 401 `unauthorized` (see `requireAuthContext`).
 *
 * Throws `GatehouseConfigError` at construction for an empty list or a value that is not an
 * RFC 6749 §3.3 scope-token.
 *
 * Does not: split a listed value on spaces (pass `'a', 'b'`, not `'a b'`); read the token.
 */
export function scopeGuard(scopes: readonly string[], mode: ScopeMode = 'all'): Guard {
  const name = mode === 'all' ? 'requireScopes()' : 'requireAnyScope()';
  checkList(
    name,
    scopes,
    SCOPE_TOKEN,
    'scope',
    'must be a non-empty scope without spaces (RFC 6749 §3.3)',
  );
  const required = Object.freeze([...scopes]);
  const passes = mode === 'all' ? hasScopes : hasAnyScope;
  return (auth, request) => {
    const context = requireAuthContext(auth, request, name);
    if (passes(context, required)) return;
    throw new GatehouseError(
      'insufficient_scope',
      'insufficient_scope',
      mode === 'all'
        ? 'the token lacks a required scope'
        : 'the token has none of the accepted scopes',
      { scope: required, scheme: schemeOf(context) },
    );
  };
}

/** `'all'`: every listed role is needed; `'any'`: one of them is enough. */
export type RoleMode = ScopeMode;

// Roles are compared as whole strings; a space would make one role look like two.
const ROLE = /^[^\s]{1,256}$/;

/**
 * A guard that requires roles, read from the claims named by the verifier's `roles` option
 * (`AuthContext.roles`).
 *
 * Refusal: 403 `insufficient_scope` (RFC 6750 §3.1 has no closer code) with reason
 * `missing_role` and a description naming the roles needed; the challenge has no `scope`, as
 * roles are not scopes. No `AuthContext`: 401 `unauthorized`.
 *
 * Throws `GatehouseConfigError` at construction for an empty list or a role that is empty, has
 * whitespace or is longer than 256 characters.
 *
 * Does not: read claims itself (a verifier without `roles` gives every token no roles, so this
 * guard refuses them all); match roles by prefix or case-insensitively.
 */
export function roleGuard(roles: readonly string[], mode: RoleMode = 'all'): Guard {
  const name = mode === 'all' ? 'requireRoles()' : 'requireAnyRole()';
  checkList(
    name,
    roles,
    ROLE,
    'role',
    'must be a non-empty role without whitespace (≤ 256 characters)',
  );
  const required = Object.freeze([...roles]);
  const passes = mode === 'all' ? hasRoles : hasAnyRole;
  const listed = required.map((role) => safeName(role)).join(', ');
  return (auth, request) => {
    const context = requireAuthContext(auth, request, name);
    // `?? []`: a context built by hand in JavaScript may lack roles; it then has none.
    if (passes({ roles: context.roles ?? [] }, required)) return;
    throw new GatehouseError(
      'insufficient_scope',
      'missing_role',
      mode === 'all'
        ? `the token lacks a required role (needs: ${listed})`
        : `the token has none of the accepted roles (one of: ${listed})`,
      { scheme: schemeOf(context) },
    );
  };
}

/** RFC 9449 §7.1: a refusal of a DPoP request is answered on the DPoP challenge. */
const schemeOf = (auth: AuthContext): AuthScheme => (auth.dpop === undefined ? 'Bearer' : 'DPoP');

/**
 * A guard that requires claim values (same rules as the verifier's `claims` option:
 * `ClaimRules`). A rule's name may be a claim path (`realm_access.roles`, see `claim-path.ts`).
 *
 * Refusal: 403 `insufficient_scope` with reason `claim_mismatch`. The token itself is valid, it
 * just does not grant this route; 401 `invalid_token` would make clients fetch a new token that
 * fails the same way (RFC 6750 §3.1 defines no better code). The challenge has no `scope`.
 *
 * Throws `GatehouseConfigError` at construction for an empty rule set or a malformed rule.
 *
 * Does not: name the claim's value in the description; treat a throwing predicate as
 * anything but a refusal.
 */
export function claimGuard(rules: ClaimRules): Guard {
  checkRules(rules);
  const entries = Object.entries(rules);
  return (auth, request) => {
    const context = requireAuthContext(auth, request, 'requireClaims()');
    for (const [claim, rule] of entries) {
      if (!matchesRule(readClaim(context.claims, claim), rule, context.claims)) {
        throw new GatehouseError(
          'insufficient_scope',
          'claim_mismatch',
          `the "${safeName(claim)}" claim does not allow this request`,
          { scheme: schemeOf(context) },
        );
      }
    }
  };
}

/** What `requireAuthentication` demands of the end user's authentication (RFC 9470). */
export interface AuthenticationRequirements {
  /**
   * Acceptable `acr` values (authentication context class references), in order of preference:
   * the token's `acr` claim must be one of them. Sent to the client as `acr_values`.
   */
  acr?: string[];
  /**
   * Longest time since the end user last actively authenticated (the token's `auth_time`),
   * seconds or `'5m'`; whole seconds. With it, a token without `auth_time` is refused. Sent to
   * the client as `max_age`.
   */
  maxAge?: Duration;
}

const authenticationRequirements = z
  .strictObject({
    acr: z
      .array(z.string().regex(SCOPE_TOKEN, 'must be a non-empty value without spaces or quotes'))
      .min(1, 'needs at least one value')
      .optional(),
    maxAge: duration.optional(),
  })
  .refine((value) => value.acr !== undefined || value.maxAge !== undefined, {
    message: 'needs `acr`, `maxAge` or both',
  });

/**
 * A step-up guard (RFC 9470): the token's `acr` must be one of `acr`, and its `auth_time` no
 * older than `maxAge`. Checked on every request against the current time, so a cached
 * verification never outlives the `auth_time` rule.
 *
 * Refusal: 401 `insufficient_user_authentication` whose challenge carries every requirement of
 * the guard — `acr_values="…"` and/or `max_age="…"` as RFC 9470 §3 shows them — so one new
 * authorization request (with those parameters) can satisfy it. No `AuthContext`: 401
 * `unauthorized`.
 *
 * Throws `GatehouseConfigError` at construction for no requirement, an empty or malformed
 * `acr` list, or a bad `maxAge`.
 *
 * Does not: rank `acr` values (only listed values pass; list every acceptable one); apply the
 * verifier's clock tolerance to `maxAge`; read `amr`.
 */
export function authenticationGuard(requirements: AuthenticationRequirements): Guard {
  const name = 'requireAuthentication()';
  const parsed = parseOrThrow(authenticationRequirements, requirements, name);
  const acr = parsed.acr ? Object.freeze([...parsed.acr]) : undefined;
  const maxAge =
    parsed.maxAge === undefined
      ? undefined
      : Math.floor(parseDurationSeconds(parsed.maxAge) as number);
  return (auth, request) => {
    const context = requireAuthContext(auth, request, name);
    const { claims } = context;
    const refuse = (reason: ErrorReason, description: string) =>
      new GatehouseError('insufficient_user_authentication', reason, description, {
        ...(acr === undefined ? {} : { acrValues: acr }),
        ...(maxAge === undefined ? {} : { maxAge }),
        scheme: schemeOf(context),
      });
    if (acr && !(typeof claims.acr === 'string' && acr.includes(claims.acr))) {
      throw refuse('acr_not_accepted', 'a different authentication level is required');
    }
    if (maxAge === undefined) return;
    const authTime = claims.auth_time;
    if (typeof authTime !== 'number' || !Number.isFinite(authTime)) {
      throw refuse('auth_time_missing', 'the token does not say when the user authenticated');
    }
    if (Date.now() > (authTime + maxAge) * 1000) {
      throw refuse('auth_time_too_old', 'more recent authentication is required');
    }
  };
}

/**
 * The `AuthContext` a guard needs, or a 401 `unauthorized` refusal. When no auth handler saw
 * the request at all, that is a wiring mistake: the request is still refused (never a silent
 * pass, never a 500) and a one-time process warning names the fix.
 */
function requireAuthContext(
  auth: AuthContext | undefined,
  request: object | undefined,
  guard: string,
): AuthContext {
  if (auth) return auth;
  if (!settingsOf(request)) warnGuardWithoutAuth(guard);
  throw new GatehouseError(
    'unauthorized',
    'missing_credentials',
    'a Bearer access token is required',
  );
}

function checkList(
  guard: string,
  values: readonly unknown[],
  syntax: RegExp,
  noun: 'scope' | 'role',
  message: string,
): void {
  const issues: { path: string; message: string }[] = [];
  if (!Array.isArray(values) || values.length === 0) {
    issues.push({ path: guard, message: `needs at least one ${noun}` });
  } else {
    values.forEach((value, i) => {
      if (typeof value !== 'string' || !syntax.test(value)) {
        issues.push({ path: `${guard}[${i}]`, message });
      }
    });
  }
  if (issues.length) throw new GatehouseConfigError(issues);
}

// Names come from configuration, but keep descriptions header-safe regardless.
const safeName = (name: string) => name.replace(/[^\w:./-]/g, '?').slice(0, 64);

const nonEmptyClaimRules = claimRules.refine((rules) => Object.keys(rules).length > 0, {
  message: 'needs at least one claim rule',
});

function checkRules(rules: ClaimRules): void {
  parseOrThrow(nonEmptyClaimRules, rules, 'requireClaims()');
}
