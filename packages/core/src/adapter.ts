/**
 * `@gatehouse/core/adapter`: the kit every framework adapter is built from — one request
 * handler, one way to consume its outcome, one mapping of refusals to answers, and the guards.
 * Applications import the adapters (or the package root), not this.
 */
export type {
  AdapterOptions,
  AuthHandler,
  AuthHandlerOptions,
  AuthOutcome,
  Failure,
} from './auth-handler.js';
export { createAuthHandler, failureFor, whenAuthenticated } from './auth-handler.js';
export { authorizationHeader } from './bearer.js';
export type { Guard, ScopeMode } from './guards.js';
export { claimGuard, scopeGuard } from './guards.js';
