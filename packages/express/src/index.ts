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
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export type { AuthenticatedRequest } from './types.js';

/**
 * Options of `requireAuth`: the verifier's options (or `verifier`) plus the adapter options. The
 * same name in every adapter.
 */
export type GatehouseOptions<User = unknown> = AuthHandlerOptions<User, Request>;

/** @deprecated Use `GatehouseOptions`, the name every adapter uses. */
export type RequireAuthOptions<User = unknown> = GatehouseOptions<User>;

/**
 * Authenticates every request it sees with its Bearer token (RFC 6750) and sets `req.auth`.
 * Options are validated now: a bad one throws `GatehouseConfigError`.
 *
 * Refusals are `toHttpResponse` answers written here (401/400/403/503 with `WWW-Authenticate`),
 * or with `errors: 'delegate'` passed to `next(err)` after setting the challenge headers. An
 * error thrown by `resolveUser` always goes to `next(err)`, unchanged.
 *
 * Does not: read tokens from the query string or body; answer 500 for anything it refuses.
 */
export function requireAuth<User = unknown>(
  optionsOrVerifier: Verifier | GatehouseOptions<User>,
): RequestHandler {
  const handler = createAuthHandler<User, Request>(optionsOrVerifier);
  return (req, res, next) => {
    whenAuthenticated(
      handler.authenticate(authorizationHeader(req.rawHeaders), req),
      (auth) => {
        if (auth) req.auth = auth;
        next();
      },
      (error) => fail(error, req, res, next),
    );
  };
}

/** 403 `insufficient_scope` unless the token has every one of `scopes`. Use after `requireAuth`. */
export const requireScopes = (...scopes: string[]): RequestHandler =>
  toHandler(scopeGuard(scopes, 'all'));

/** 403 `insufficient_scope` unless the token has at least one of `scopes`. */
export const requireAnyScope = (...scopes: string[]): RequestHandler =>
  toHandler(scopeGuard(scopes, 'any'));

/** 403 `insufficient_scope` (reason `claim_mismatch`) unless the claims satisfy `rules`. */
export const requireClaims = (rules: ClaimRules): RequestHandler => toHandler(claimGuard(rules));

/**
 * `req.auth`, typed with your user type, for code that prefers not to rely on the global
 * `Express.Request` augmentation. `undefined` on routes without `requireAuth`, or optional ones
 * without a token.
 */
export const getAuth = <User = unknown>(req: Request): AuthContext<User> | undefined =>
  req.auth as AuthContext<User> | undefined;

const toHandler =
  (guard: Guard): RequestHandler =>
  (req, res, next) => {
    try {
      guard(req.auth, req);
    } catch (error) {
      fail(error, req, res, next);
      return;
    }
    next();
  };

function fail(error: unknown, req: Request, res: Response, next: NextFunction): void {
  const failure = failureFor(error, req);
  if (failure.action === 'delegate') {
    res.set(failure.headers);
    next(failure.error);
    return;
  }
  const { status, headers, body } = failure.response;
  res.status(status).set(headers).json(body);
}
