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
 * The middleware also has the verifier's `ready()` (fetch the issuers' keys now; rejects naming
 * the URL and the cause) and `health()` (a snapshot for a readiness endpoint).
 *
 * Does not: read tokens from the body, or from anywhere but `Authorization` unless the `token`
 * option says so; answer 500 for anything it refuses.
 */
export function requireAuth<User = unknown>(
  optionsOrVerifier: Verifier | GatehouseOptions<User>,
): Middleware & Readiness {
  const handler = createAuthHandler<User, Context>(optionsOrVerifier, {
    dpopRequest: (ctx) => nodeDpopRequest(ctx.req, ctx.originalUrl),
  });
  const middleware: Middleware = async (ctx, next) => {
    let auth: AuthContext<User> | undefined;
    try {
      auth = await handler.authenticate(handler.credentials(ctx.req), ctx);
    } catch (error) {
      fail(error, ctx);
      return;
    }
    if (auth) ctx.state.auth = auth;
    if (auth?.dpop?.nonce !== undefined) ctx.set('dpop-nonce', auth.dpop.nonce);
    await next();
  };
  return withReadiness(middleware, handler);
}

const guards = createAdapterGuards(toMiddleware);
export const requireScopes: AdapterGuards<Middleware>['requireScopes'] = guards.requireScopes;
export const requireAnyScope: AdapterGuards<Middleware>['requireAnyScope'] = guards.requireAnyScope;
export const requireRoles: AdapterGuards<Middleware>['requireRoles'] = guards.requireRoles;
export const requireAnyRole: AdapterGuards<Middleware>['requireAnyRole'] = guards.requireAnyRole;
export const requireClaims: AdapterGuards<Middleware>['requireClaims'] = guards.requireClaims;
export const requireAuthentication: AdapterGuards<Middleware>['requireAuthentication'] =
  guards.requireAuthentication;

/**
 * Serves the Protected Resource Metadata document (RFC 9728 §3.1) at `metadata.path` — e.g.
 * `/.well-known/oauth-protected-resource/mcp` for the resource `https://host/mcp` — to `GET`
 * and `HEAD`, publicly cacheable; every other request goes on. Takes `createResourceMetadata`'s
 * result (also give it to `requireAuth` as `resourceMetadata`, so challenges point to it) or its
 * options. Use it on the app itself, not behind a router prefix, and before `requireAuth`: the
 * document is public.
 */
export function protectedResourceMetadata(
  metadata: ResourceMetadata | ResourceMetadataOptions,
): Middleware {
  const served = toResourceMetadata(metadata);
  return (ctx, next) => {
    const answer = answerMetadataRequest(served, ctx.method, ctx.path);
    if (!answer) return next();
    ctx.status = answer.status;
    ctx.set(answer.headers);
    ctx.body = answer.body;
    return undefined;
  };
}

/**
 * `ctx.state.auth`, typed with your user type. `undefined` on routes without `requireAuth`, or
 * optional ones without a token.
 */
export const getAuth = <User = unknown>(ctx: {
  state: { auth?: AuthContext };
}): AuthContext<User> | undefined => ctx.state.auth as AuthContext<User> | undefined;

function toMiddleware(guard: Guard): Middleware {
  return async (ctx, next) => {
    try {
      guard(ctx.state.auth, ctx);
    } catch (error) {
      return fail(error, ctx);
    }
    await next();
  };
}

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
