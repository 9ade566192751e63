/**
 * `@gatehouse/core/adapter`: the kit every framework adapter is built from — one request
 * handler, one mapping of refusals to answers, and the guards.
 * Applications import the adapters (or the package root), not this.
 */
export type { AdapterGuards } from './adapter-guards.js';
export { createAdapterGuards } from './adapter-guards.js';
export type { AdapterOptions, AuthHandlerOptions } from './adapter-options.js';
export type { AdapterHooks, AuthHandler, Failure } from './auth-handler.js';
export { createAuthHandler, failureFor } from './auth-handler.js';
export { authorizationHeader } from './bearer.js';
export { fetchDpopRequest } from './dpop/fetch-request.js';
export { nodeDpopRequest } from './dpop/node-request.js';
export type { DpopRequest } from './dpop/proof.js';
export type { AuthenticationRequirements, Guard, RoleMode, ScopeMode } from './guards.js';
export { authenticationGuard, claimGuard, roleGuard, scopeGuard } from './guards.js';
export { withReadiness } from './readiness.js';
export { answerMetadataRequest, toResourceMetadata } from './resource-metadata.js';
export type { CredentialSource } from './token-locations.js';
export { credentialsOf } from './token-locations.js';
