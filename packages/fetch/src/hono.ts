import type { AuthContext, Readiness, Verifier } from '@gatehouse/core';
import {
  type AdapterGuards,
  createAdapterGuards,
  createAuthHandler,
  failureFor,
  fetchDpopRequest,
  type Guard,
  withReadiness,
} from '@gatehouse/core/adapter';
import type { Context, MiddlewareHandler } from 'hono';
import { type GatehouseOptions, toResponse } from './authenticate.js';

export type { GatehouseOptions } from './authenticate.js';

/**
 * The Hono environment `requireAuth` sets: `c.get('auth')` (or `c.var.auth`) is the
 * `AuthContext`, `undefined` on optional routes without a token. Give it to `new Hono<…>()`
 * (or intersect it with your own `Env`) to type it in handlers.
 */
export interface GatehouseEnv<User = unknown> {
  Variables: { auth: AuthContext<User> | undefined };
}

/**
 * Hono middleware: authenticates every request it sees with its Bearer token (RFC 6750) and sets
 * `c.get('auth')`. Options are validated now: a bad one throws `GatehouseConfigError`.
 *
 * Refusals are `toHttpResponse` answers returned here (401/400/403/503 with `WWW-Authenticate`),
 * or with `errors: 'delegate'` thrown to `app.onError` after setting the challenge headers with
 * `c.header()` (kept on the answer `onError` builds with `c.json()`/`c.text()`). An error thrown by
 * `resolveUser` always goes to `app.onError`, unchanged.
 *
 * The middleware also has the verifier's `ready()` (fetch the issuers' keys now; rejects with
 * `GatehouseReadinessError` naming the URL and the cause) and `health()` (a snapshot per issuer
 * for a readiness endpoint).
 *
 * Does not: read tokens from the body, or from anywhere but `Authorization` unless the `token`
 * option says so; answer 500 for anything it refuses.
 */
export function requireAuth<User = unknown>(
  optionsOrVerifier: Verifier | GatehouseOptions<User>,
): MiddlewareHandler<GatehouseEnv<User>> & Readiness {
  const handler = createAuthHandler<User, Request>(optionsOrVerifier, {
    dpopRequest: fetchDpopRequest,
  });
  const middleware: MiddlewareHandler<GatehouseEnv<User>> = async (c, next) => {
    const request = c.req.raw;
    try {
      c.set('auth', await handler.authenticate(handler.credentials(request), request));
    } catch (error) {
      return refuse(error, c);
    }
    await next();
  };
  return withReadiness(middleware, handler);
}

// Guards are typed for any `Env` (Hono leaves `any` out when it merges a route's middleware
// types), so they never narrow the `auth` variable your app's `Env` declares.

const guards = createAdapterGuards(toMiddleware);
export const requireScopes: AdapterGuards<MiddlewareHandler>['requireScopes'] =
  guards.requireScopes;
export const requireAnyScope: AdapterGuards<MiddlewareHandler>['requireAnyScope'] =
  guards.requireAnyScope;
export const requireRoles: AdapterGuards<MiddlewareHandler>['requireRoles'] = guards.requireRoles;
export const requireAnyRole: AdapterGuards<MiddlewareHandler>['requireAnyRole'] =
  guards.requireAnyRole;
export const requireClaims: AdapterGuards<MiddlewareHandler>['requireClaims'] =
  guards.requireClaims;
export const requireAuthentication: AdapterGuards<MiddlewareHandler>['requireAuthentication'] =
  guards.requireAuthentication;

/**
 * `c.get('auth')`, typed with your user type, for apps whose `Env` does not include
 * `GatehouseEnv`. `undefined` on routes without `requireAuth`, or optional ones without a token.
 */
export const getAuth = <User = unknown>(c: Context): AuthContext<User> | undefined =>
  (c as Context<GatehouseEnv<User>>).get('auth');

function toMiddleware(guard: Guard): MiddlewareHandler {
  return async (c, next) => {
    try {
      guard(getAuth(c), c.req.raw);
    } catch (error) {
      return refuse(error, c);
    }
    await next();
  };
}

/** The refusal's `Response`, or (delegated) its headers set on `c` and the error thrown on. */
function refuse(error: unknown, c: Context): Response {
  const failure = failureFor(error, c.req.raw);
  if (failure.action === 'respond') return toResponse(failure.response);
  for (const [name, value] of Object.entries(failure.headers)) c.header(name, value);
  throw failure.error;
}
