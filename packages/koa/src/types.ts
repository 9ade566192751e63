import type { AuthContext } from '@gatehouse/core';
import type { ParameterizedContext } from 'koa';

// The one place `ctx.state.auth` is declared: Koa types `ctx.state` as `DefaultState`, which is
// meant to be augmented.
declare module 'koa' {
  interface DefaultState {
    /** Set by `requireAuth()`; absent on public routes and on optional routes without a token. */
    auth?: AuthContext;
  }
}

/** A Koa context after `requireAuth()` (not optional): `ctx.state.auth` is present. */
export type AuthenticatedContext<User = unknown> = ParameterizedContext<{
  auth: AuthContext<User>;
}>;
