export type { Algorithm } from './algorithms.js';
export { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS } from './algorithms.js';
export { authorizationHeader, extractBearerToken } from './bearer.js';
export type { ClaimRule, ClaimRules } from './claims.js';
export type { Duration } from './duration.js';
export type {
  ChallengeOptions,
  ErrorCode,
  ErrorReason,
  GatehouseErrorInit,
  HttpErrorResponse,
} from './errors.js';
export { GatehouseError, isGatehouseError, toHttpResponse } from './errors.js';
export * from './guards.js';
export type { IdTokenOptions } from './id-token.js';
export * from './middleware.js';
export type { VerifierOptions } from './options.js';
export { DEFAULTS, GatehouseConfigError } from './options.js';
export { extractScopes, hasAnyScope, hasScopes } from './scopes.js';
export type { CredentialSource, TokenLocations } from './token-locations.js';
export { credentialsOf } from './token-locations.js';
export type { AuthContext, EventListener, GatehouseEvent, JwtClaims, JwtHeader } from './types.js';
export * from './users.js';
export type { Verifier } from './verify.js';
export { createVerifier, isClientCredentials } from './verify.js';
