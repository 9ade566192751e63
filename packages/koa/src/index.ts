import type { AuthContext, AuthHandlerOptions, ClaimRules, Verifier } from '@gatehouse/core';
import {
  authorizationHeader,
  claimGuard,
  createAuthHandler,
  failureFor,
  type Guard,
  scopeGuard,
  whenAuthenticated,
} from '@gatehouse/core/adapter';
import type { Context, Middleware } from 'koa';

export type { AuthenticatedContext } from './types.js';

/**
 * Options of `requireAuth`: the verifier's options (or `verifier`) plus the adapter options. The
 * same name in every adapter.
 */
export type GatehouseOptions<User = unknown> = AuthHandlerOptions<User, Context>;

/** @deprecated Use `GatehouseOptions`, the name every adapter uses. */
export type RequireAuthOptions<User = unknown> = GatehouseOptions<User>;

/**
 * Authenticates every request it sees with its Bearer token (RFC 6750) and sets
 * `ctx.state.auth`. Options are validated now: a bad one throws `GatehouseConfigError`.
 *
 * Refusals are `toHttpResponse` answers written here (401/400/403/503 with `WWW-Authenticate`),
 * or with `errors: 'delegate'` thrown to your error middleware after setting the challenge
 * headers. An error thrown by `resolveUser` is always re-thrown, unchanged.
 *
 * Does not: read tokens from the query string or body; answer 500 for anything it refuses.
 */
export function requireAuth<User = unknown>(
  optionsOrVerifier: Verifier | GatehouseOptions<User>,
): Middleware {
  const handler = createAuthHandler<User, Context>(optionsOrVerifier);
  // Not `async`: on a cache hit the request goes on to `next()` without an extra promise.
  return (ctx, next) =>
    whenAuthenticated<User, unknown>(
      handler.authenticate(authorizationHeader(ctx.req.rawHeaders), ctx),
      (auth) => {
        if (auth) ctx.state.auth = auth;
        return next();
      },
      (error) => fail(error, ctx),
    );
}

/** 403 `insufficient_scope` unless the token has every one of `scopes`. Use after `requireAuth`. */
export const requireScopes = (...scopes: string[]): Middleware =>
  toMiddleware(scopeGuard(scopes, 'all'));

/** 403 `insufficient_scope` unless the token has at least one of `scopes`. */
export const requireAnyScope = (...scopes: string[]): Middleware =>
  toMiddleware(scopeGuard(scopes, 'any'));

/** 403 `insufficient_scope` (reason `claim_mismatch`) unless the claims satisfy `rules`. */
export const requireClaims = (rules: ClaimRules): Middleware => toMiddleware(claimGuard(rules));

/**
 * `ctx.state.auth`, typed with your user type. `undefined` on routes without `requireAuth`, or
 * optional ones without a token.
 */
export const getAuth = <User = unknown>(ctx: {
  state: { auth?: AuthContext };
}): AuthContext<User> | undefined => ctx.state.auth as AuthContext<User> | undefined;

const toMiddleware =
  (guard: Guard): Middleware =>
  async (ctx, next) => {
    try {
      guard(ctx.state.auth, ctx);
    } catch (error) {
      return fail(error, ctx);
    }
    await next();
  };

function fail(error: unknown, ctx: Context): void {
  const failure = failureFor(error, ctx);
  if (failure.action === 'delegate') {
    ctx.set(failure.headers);
    // Koa's own error handler clears every header and then sets only `err.headers`.
    if (Object.keys(failure.headers).length > 0) {
      Object.assign(failure.error as object, { headers: failure.headers });
    }
    throw failure.error;
  }
  const { status, headers, body } = failure.response;
  ctx.status = status;
  ctx.set(headers);
  ctx.body = body;
}
