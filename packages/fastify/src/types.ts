import type { AuthContext } from '@gatehouse/core';
import type { FastifyRequest } from 'fastify';

// The one place `request.auth` is declared. `undefined`, as in the other adapters, when the
// request was not authenticated: outside the plugin's context, or on an optional context
// without a token.
declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | undefined;
  }
}

/** A request that passed the `gatehouse` plugin (not optional): `auth` is present. */
export type AuthenticatedRequest<User = unknown> = FastifyRequest & { auth: AuthContext<User> };
