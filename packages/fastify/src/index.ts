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
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export type { AuthenticatedRequest } from './types.js';

/** Plugin options: the verifier's options (or `verifier`) plus the adapter options. */
export type GatehouseOptions<User = unknown> = AuthHandlerOptions<User, FastifyRequest>;

/** A route-level hook, for `{ preHandler: requireScopes('a') }`. */
export type GuardHook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const plugin: FastifyPluginAsync<Verifier | GatehouseOptions> = async (fastify, options) => {
  const handler = createAuthHandler<unknown, FastifyRequest>(options);
  if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', undefined);
  // Callback style, not `async`: on a cache hit the request goes on without a promise.
  fastify.addHook('onRequest', (request, reply, done) => {
    whenAuthenticated(
      handler.authenticate(authorizationHeader(request.raw.rawHeaders), request),
      (auth) => {
        request.auth = auth;
        done();
      },
      (error) => {
        const passOn = fail(error, request, reply);
        if (passOn) done(passOn.error as Error);
      },
    );
  });
};

/**
 * Authenticates every request of the encapsulation context it is registered in (and of its
 * child contexts) in an `onRequest` hook, and decorates `request.auth`. Registered at the root,
 * that is the whole app; registered inside `app.register(async (scope) => …)`, only `scope`'s
 * routes — sibling contexts stay public. (fastify-plugin lets the hook reach the routes next to
 * the registration, which plain encapsulation would hide from it.)
 *
 * Refusals are `toHttpResponse` answers sent here, or with `errors: 'delegate'` thrown to your
 * `setErrorHandler` after setting the challenge headers. An error thrown by `resolveUser` is
 * always thrown, unchanged. Options are validated at registration.
 *
 * Does not: read tokens from the query string or body; answer 500 for anything it refuses.
 */
export const gatehouse = fp(plugin, { fastify: '5.x', name: '@gatehouse/fastify' });

/** 403 `insufficient_scope` unless the token has every one of `scopes`. */
export const requireScopes = (...scopes: string[]): GuardHook => toHook(scopeGuard(scopes, 'all'));

/** 403 `insufficient_scope` unless the token has at least one of `scopes`. */
export const requireAnyScope = (...scopes: string[]): GuardHook =>
  toHook(scopeGuard(scopes, 'any'));

/** 403 `insufficient_scope` (reason `claim_mismatch`) unless the claims satisfy `rules`. */
export const requireClaims = (rules: ClaimRules): GuardHook => toHook(claimGuard(rules));

/**
 * `request.auth`, typed with your user type; `undefined` where the request was not
 * authenticated.
 */
export const getAuth = <User = unknown>(request: FastifyRequest): AuthContext<User> | undefined =>
  request.auth as AuthContext<User> | undefined;

const toHook =
  (guard: Guard): GuardHook =>
  async (request, reply) => {
    try {
      guard(request.auth, request);
    } catch (error) {
      const passOn = fail(error, request, reply);
      if (passOn) throw passOn.error;
      return reply;
    }
  };

/**
 * Sends the refusal and returns `undefined`, or (delegated) sets its headers and returns the
 * error for Fastify's error handling.
 */
function fail(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): { error: unknown } | undefined {
  const failure = failureFor(error, request);
  if (failure.action === 'delegate') {
    reply.headers(failure.headers);
    return { error: failure.error };
  }
  const { status, headers, body } = failure.response;
  reply.code(status).headers(headers).send(body);
  return undefined;
}
