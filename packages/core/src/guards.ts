import { type ClaimRules, matchesRule } from './claims.js';
import { GatehouseConfigError } from './config-error.js';
import { GatehouseError } from './errors.js';
import { settingsOf, warnGuardWithoutAuth } from './internal/request-state.js';
import { claimRules, parseOrThrow } from './options.js';
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
  checkScopes(name, scopes);
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
      { scope: required },
    );
  };
}

/**
 * A guard that requires claim values (same rules as the verifier's `claims` option:
 * `ClaimRules`).
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
      if (!matchesRule(context.claims[claim], rule, context.claims)) {
        throw new GatehouseError(
          'insufficient_scope',
          'claim_mismatch',
          `the "${claim.replace(/[^\w:.-]/g, '?').slice(0, 64)}" claim does not allow this request`,
        );
      }
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

function checkScopes(guard: string, scopes: readonly unknown[]): void {
  const issues: { path: string; message: string }[] = [];
  if (!Array.isArray(scopes) || scopes.length === 0) {
    issues.push({ path: guard, message: 'needs at least one scope' });
  } else {
    scopes.forEach((scope, i) => {
      if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
        issues.push({
          path: `${guard}[${i}]`,
          message: 'must be a non-empty scope without spaces (RFC 6749 §3.3)',
        });
      }
    });
  }
  if (issues.length) throw new GatehouseConfigError(issues);
}

const nonEmptyClaimRules = claimRules.refine((rules) => Object.keys(rules).length > 0, {
  message: 'needs at least one claim rule',
});

function checkRules(rules: ClaimRules): void {
  parseOrThrow(nonEmptyClaimRules, rules, 'requireClaims()');
}
