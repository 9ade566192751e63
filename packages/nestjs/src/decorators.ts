import type { AuthContext, ClaimRules } from '@gatehouse/core';
import {
  createParamDecorator,
  type ExecutionContext,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import {
  IS_PUBLIC_KEY,
  requireAnyRole,
  requireAnyScope,
  requireClaims,
  requireRoles,
  requireScopes,
} from './guard.js';

// The scope, role and claim decorators attach a guard, not only metadata: forgetting the
// authentication guard then refuses the route (401, plus a one-time process warning) instead of
// leaving it open, as the other adapters' guards do.

/** The route (or every route of the controller) needs every one of `scopes`: else 403. */
export const Scopes = (...scopes: string[]): MethodDecorator & ClassDecorator =>
  UseGuards(requireScopes(...scopes));

/** The route needs at least one of `scopes`: else 403 `insufficient_scope` listing them. */
export const AnyScope = (...scopes: string[]): MethodDecorator & ClassDecorator =>
  UseGuards(requireAnyScope(...scopes));

/** The route needs claims satisfying `rules` (`{ tenant: 'acme' }`, predicates): else 403. */
export const Claims = (rules: ClaimRules): MethodDecorator & ClassDecorator =>
  UseGuards(requireClaims(rules));

/**
 * The route needs every one of `roles` in `auth.roles` (read from the claims the verifier's
 * `roles` option names, e.g. `'realm_access.roles'`): else 403 `insufficient_scope`, reason
 * `missing_role`, with no `scope=` in the challenge (roles are not scopes). A verifier without
 * `roles` gives every token no roles, so the route then refuses every token.
 */
export const Roles = (...roles: string[]): MethodDecorator & ClassDecorator =>
  UseGuards(requireRoles(...roles));

/** The route needs at least one of `roles` in `auth.roles`: else 403, reason `missing_role`. */
export const AnyRole = (...roles: string[]): MethodDecorator & ClassDecorator =>
  UseGuards(requireAnyRole(...roles));

/** `GatehouseGuard` lets this route (or controller) through without authentication. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC_KEY, true);

/**
 * Parameter decorator: the request's `AuthContext` (with `user` from `resolveUser`), or
 * `undefined` on public and optional routes without a token. Type it with your user:
 * `@Auth() auth: AuthContext<User>`.
 */
export const Auth: () => ParameterDecorator = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthContext | undefined =>
    context.switchToHttp().getRequest<{ auth?: AuthContext }>().auth,
);
