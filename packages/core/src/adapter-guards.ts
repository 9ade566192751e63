/**
 * The named per-route guards every adapter exports (`requireScopes`, `requireAnyScope`,
 * `requireRoles`, `requireAnyRole`, `requireClaims`, `requireAuthentication`), built here once.
 * An adapter passes how its framework runs a guard check (an Express handler, a Koa middleware, a
 * Fastify hook, a Nest `CanActivate`…) and re-exports each member typed as
 * `AdapterGuards<Handler>['requireScopes']`, which keeps the TSDoc below on hover in its users'
 * editors (a destructured or untyped re-export would drop it from the emitted `.d.ts`).
 */
import type { ClaimRules } from './claims.js';
import {
  type AuthenticationRequirements,
  authenticationGuard,
  claimGuard,
  type Guard,
  roleGuard,
  scopeGuard,
} from './guards.js';

/** The guard set of an adapter whose framework runs a check as a `Handler`. */
export interface AdapterGuards<Handler> {
  /**
   * 403 `insufficient_scope` unless the token has every one of `scopes` (RFC 6750 §3.1); the
   * challenge's `scope` lists them. Use after the adapter's authentication (`requireAuth`, the
   * Fastify plugin, `GatehouseGuard`); without it the route answers 401. Throws
   * `GatehouseConfigError` now for an empty list or a scope with spaces.
   */
  requireScopes(...scopes: string[]): Handler;
  /**
   * 403 `insufficient_scope` unless the token has at least one of `scopes`; the challenge's
   * `scope` lists the alternatives.
   */
  requireAnyScope(...scopes: string[]): Handler;
  /**
   * 403 `insufficient_scope` (reason `missing_role`) unless `auth.roles` (read from the claims
   * named by the verifier's `roles` option) has every one of `roles`.
   */
  requireRoles(...roles: string[]): Handler;
  /** 403 `insufficient_scope` (reason `missing_role`) unless `auth.roles` has one of `roles`. */
  requireAnyRole(...roles: string[]): Handler;
  /**
   * 403 `insufficient_scope` (reason `claim_mismatch`) unless the claims satisfy `rules` (the
   * verifier's `ClaimRules`: values, `{ includes }`, predicates; names may be claim paths).
   */
  requireClaims(rules: ClaimRules): Handler;
  /**
   * RFC 9470 step-up: 401 `insufficient_user_authentication` unless the token's `acr` is one of
   * `acr` and its `auth_time` is within `maxAge`; the challenge names `acr_values` / `max_age`.
   */
  requireAuthentication(requirements: AuthenticationRequirements): Handler;
}

/**
 * Every named guard, each built from the core guard (`scopeGuard`, `roleGuard`, `claimGuard`,
 * `authenticationGuard`) and handed to `wrap`, the adapter's one way of running a check and
 * answering its refusal. Arguments are validated when a guard is made, not per request.
 */
export function createAdapterGuards<Handler>(
  wrap: (guard: Guard) => Handler,
): AdapterGuards<Handler> {
  return {
    requireScopes: (...scopes) => wrap(scopeGuard(scopes, 'all')),
    requireAnyScope: (...scopes) => wrap(scopeGuard(scopes, 'any')),
    requireRoles: (...roles) => wrap(roleGuard(roles, 'all')),
    requireAnyRole: (...roles) => wrap(roleGuard(roles, 'any')),
    requireClaims: (rules) => wrap(claimGuard(rules)),
    requireAuthentication: (requirements) => wrap(authenticationGuard(requirements)),
  };
}
