import type {
  AuthContext,
  AuthHandlerOptions,
  Readiness,
  ResourceMetadata,
  ResourceMetadataOptions,
  Verifier,
} from '@gatehouse/core';
import {
  type AdapterGuards,
  answerMetadataRequest,
  createAdapterGuards,
  createAuthHandler,
  failureFor,
  type Guard,
  nodeDpopRequest,
  toResourceMetadata,
  withReadiness,
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
 * The middleware also has the verifier's `ready()` (fetch the issuers' keys now; rejects naming
 * the URL and the cause) and `health()` (a snapshot for a readiness endpoint).
 *
 * Does not: read tokens from the body, or from anywhere but `Authorization` unless the `token`
 * option says so; answer 500 for anything it refuses.
 */
export function requireAuth<User = unknown>(
  optionsOrVerifier: Verifier | GatehouseOptions<User>,
): RequestHandler & Readiness {
  const handler = createAuthHandler<User, Request>(optionsOrVerifier, {
    dpopRequest: (req) => nodeDpopRequest(req, req.originalUrl),
  });
  const middleware: RequestHandler = async (req, res, next) => {
    let auth: AuthContext<User> | undefined;
    try {
      auth = await handler.authenticate(handler.credentials(req), req);
    } catch (error) {
      fail(error, req, res, next);
      return;
    }
    if (auth) req.auth = auth;
    if (auth?.dpop?.nonce !== undefined) res.setHeader('dpop-nonce', auth.dpop.nonce);
    next();
  };
  return withReadiness(middleware, handler);
}

const guards = createAdapterGuards(toHandler);
export const requireScopes: AdapterGuards<RequestHandler>['requireScopes'] = guards.requireScopes;
export const requireAnyScope: AdapterGuards<RequestHandler>['requireAnyScope'] =
  guards.requireAnyScope;
export const requireRoles: AdapterGuards<RequestHandler>['requireRoles'] = guards.requireRoles;
export const requireAnyRole: AdapterGuards<RequestHandler>['requireAnyRole'] =
  guards.requireAnyRole;
export const requireClaims: AdapterGuards<RequestHandler>['requireClaims'] = guards.requireClaims;
export const requireAuthentication: AdapterGuards<RequestHandler>['requireAuthentication'] =
  guards.requireAuthentication;

/**
 * Serves the Protected Resource Metadata document (RFC 9728 §3.1) at `metadata.path` — e.g.
 * `/.well-known/oauth-protected-resource/mcp` for the resource `https://host/mcp` — to `GET`
 * and `HEAD`, publicly cacheable; every other request goes on. Takes `createResourceMetadata`'s
 * result (also give it to `requireAuth` as `resourceMetadata`, so challenges point to it) or its
 * options. Mount it on the app itself, not under a path, and before `requireAuth`: the document
 * is public.
 */
export function protectedResourceMetadata(
  metadata: ResourceMetadata | ResourceMetadataOptions,
): RequestHandler {
  const served = toResourceMetadata(metadata);
  return (req, res, next) => {
    const answer = answerMetadataRequest(served, req.method, req.path);
    if (answer) res.status(answer.status).set(answer.headers).send(answer.body);
    else next();
  };
}

/**
 * `req.auth`, typed with your user type, for code that prefers not to rely on the global
 * `Express.Request` augmentation. `undefined` on routes without `requireAuth`, or optional ones
 * without a token.
 */
export const getAuth = <User = unknown>(req: Request): AuthContext<User> | undefined =>
  req.auth as AuthContext<User> | undefined;

function toHandler(guard: Guard): RequestHandler {
  return (req, res, next) => {
    try {
      guard(req.auth, req);
    } catch (error) {
      fail(error, req, res, next);
      return;
    }
    next();
  };
}

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
