export type { Algorithm } from './algorithms.js';
export { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS } from './algorithms.js';
export { isClientCredentials } from './auth-context.js';
export type { AdapterOptions, AuthHandlerOptions } from './auth-handler.js';
export { extractBearerToken } from './bearer.js';
export type { ClaimRule, ClaimRules } from './claims.js';
export { GatehouseConfigError } from './config-error.js';
export { DEFAULTS } from './defaults.js';
export type { Duration } from './duration.js';
export type {
  ChallengeOptions,
  ErrorCode,
  ErrorReason,
  GatehouseErrorInit,
  HttpErrorResponse,
} from './errors.js';
export { GatehouseError, isGatehouseError, toHttpResponse } from './errors.js';
export type { IdTokenOptions } from './id-token.js';
export type { VerifierOptions } from './options.js';
export { extractScopes, hasAnyScope, hasScopes } from './scopes.js';
export type {
  AuthContext,
  Authorization,
  EventListener,
  GatehouseEvent,
  JwtClaims,
  JwtHeader,
  Verifier,
} from './types.js';
export * from './users.js';
export { createVerifier } from './verify.js';
