import type { AuthContext } from '@gatehouse/core';
import type { Request } from 'express';

// The one place `req.auth` is declared. Express 4 and 5 both build `Request` from the global
// `Express.Request` interface, so augmenting it types `req.auth` in every handler.
declare global {
  namespace Express {
    interface Request {
      /** Set by `requireAuth()`; absent on public routes and on optional routes without a token. */
      auth?: AuthContext;
    }
  }
}

/** A request that passed `requireAuth()` (not optional): `auth` is present. */
export type AuthenticatedRequest<User = unknown> = Request & { auth: AuthContext<User> };
