import {
  type AuthContext,
  type AuthHandlerOptions,
  GatehouseConfigError,
  type ResourceMetadata,
  type ResourceMetadataOptions,
  type Verifier,
} from '@gatehouse/core';
import {
  type AdapterGuards,
  createAdapterGuards,
  createAuthHandler,
  failureFor,
  type Guard,
  nodeDpopRequest,
  toResourceMetadata,
} from '@gatehouse/core/adapter';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export type { AuthenticatedRequest } from './types.js';

/** Plugin options: the verifier's options (or `verifier`) plus the adapter options. */
export type GatehouseOptions<User = unknown> = AuthHandlerOptions<User, FastifyRequest> & {
  /**
   * Fetch every issuer's discovery and keys during registration, so `app.ready()` (and
   * `listen()`) fails with `GatehouseReadinessError`, naming the URL and the cause, when they
   * cannot be had. Default `false`: keys are fetched on the first request.
   */
  awaitReady?: boolean;
};

/** A route-level hook, for `{ preHandler: requireScopes('a') }`. */
export type GuardHook = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const plugin: FastifyPluginAsync<Verifier | GatehouseOptions> = async (fastify, options) => {
  const { awaitReady, handlerOptions } = splitAwaitReady(options);
  const handler = createAuthHandler<unknown, FastifyRequest>(handlerOptions, {
    dpopRequest: (request) => nodeDpopRequest(request.raw, request.originalUrl),
  });
  if (awaitReady) await handler.ready();
  if (!fastify.hasRequestDecorator('auth')) fastify.decorateRequest('auth', undefined);
  fastify.addHook('onRequest', async (request, reply) => {
    try {
      request.auth = await handler.authenticate(handler.credentials(request.raw), request);
    } catch (error) {
      const passOn = fail(error, request, reply);
      if (passOn) throw passOn.error;
      return reply;
    }
    if (request.auth?.dpop?.nonce !== undefined)
      reply.header('dpop-nonce', request.auth.dpop.nonce);
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
 * With `awaitReady: true` the issuers' keys are fetched during registration and `app.ready()`
 * fails when they cannot be had. For a readiness endpoint, create the verifier yourself
 * (`createVerifier`), pass it as `{ verifier }` and answer with `verifier.health()`.
 *
 * Does not: read tokens from the body, or from anywhere but `Authorization` unless the `token`
 * option says so; answer 500 for anything it refuses.
 */
export const gatehouse = fp(plugin, { fastify: '5.x', name: '@gatehouse/fastify' });

const guards = createAdapterGuards(toHook);
export const requireScopes: AdapterGuards<GuardHook>['requireScopes'] = guards.requireScopes;
export const requireAnyScope: AdapterGuards<GuardHook>['requireAnyScope'] = guards.requireAnyScope;
export const requireRoles: AdapterGuards<GuardHook>['requireRoles'] = guards.requireRoles;
export const requireAnyRole: AdapterGuards<GuardHook>['requireAnyRole'] = guards.requireAnyRole;
export const requireClaims: AdapterGuards<GuardHook>['requireClaims'] = guards.requireClaims;
export const requireAuthentication: AdapterGuards<GuardHook>['requireAuthentication'] =
  guards.requireAuthentication;

const metadataPlugin: FastifyPluginAsync<ResourceMetadata | ResourceMetadataOptions> = async (
  fastify,
  metadata,
) => {
  const { path, response } = toResourceMetadata(metadata);
  fastify.get(path, async (_request, reply) =>
    reply.code(response.status).headers(response.headers).send(response.body),
  );
};

/**
 * Serves the Protected Resource Metadata document (RFC 9728 §3.1) at `metadata.path` — e.g.
 * `/.well-known/oauth-protected-resource/mcp` for the resource `https://host/mcp` — to `GET`
 * and `HEAD`, publicly cacheable; as a route (`HEAD` too). Takes `createResourceMetadata`'s
 * result (also give it to `requireAuth` as `resourceMetadata`, so challenges point to it) or its
 * options. Register it at the root: `app.register(protectedResourceMetadata, metadata)`, and
 * register `gatehouse` inside the protected routes' own context (`app.register(async (api) =>
 * …)`), not at the root, whose hook would make the public document ask for a token.
 */
export const protectedResourceMetadata = fp(metadataPlugin, {
  fastify: '5.x',
  name: '@gatehouse/fastify/resource-metadata',
});

/**
 * `request.auth`, typed with your user type; `undefined` where the request was not
 * authenticated.
 */
export const getAuth = <User = unknown>(request: FastifyRequest): AuthContext<User> | undefined =>
  request.auth as AuthContext<User> | undefined;

function toHook(guard: Guard): GuardHook {
  return async (request, reply) => {
    try {
      guard(request.auth, request);
    } catch (error) {
      const passOn = fail(error, request, reply);
      if (passOn) throw passOn.error;
      return reply;
    }
  };
}

/** `awaitReady` is this adapter's own option; a `Verifier` is passed on untouched (not copied). */
function splitAwaitReady(options: Verifier | GatehouseOptions) {
  if (typeof (options as Verifier).authenticate === 'function' || !('awaitReady' in options)) {
    return { awaitReady: false, handlerOptions: options };
  }
  const { awaitReady, ...handlerOptions } = options;
  if (awaitReady !== undefined && typeof awaitReady !== 'boolean') {
    throw new GatehouseConfigError([{ path: 'awaitReady', message: 'must be a boolean' }]);
  }
  return { awaitReady: awaitReady === true, handlerOptions };
}

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
