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
export {
  INTROSPECTION_DEFAULTS,
  type IntrospectionOptions,
} from './introspection/options.js';
export {
  createMemoryStore,
  type IntrospectionRecord,
  type IntrospectionStore,
} from './introspection/store.js';
export {
  createIntrospectingVerifier,
  type IntrospectingVerifierOptions,
} from './introspection/verifier.js';
export * from './middleware.js';
export type { VerifierOptions } from './options.js';
export { DEFAULTS, GatehouseConfigError } from './options.js';
export type {
  MetadataResponse,
  ResourceMetadata,
  ResourceMetadataOptions,
} from './resource-metadata.js';
export {
  answerMetadataRequest,
  createResourceMetadata,
  isResourceMetadata,
  RESOURCE_METADATA_WELL_KNOWN,
  toResourceMetadata,
} from './resource-metadata.js';
export { extractScopes, hasAnyScope, hasScopes } from './scopes.js';
export type { AuthContext, EventListener, GatehouseEvent, JwtClaims, JwtHeader } from './types.js';
export * from './users.js';
export type { Verifier } from './verify.js';
export { createVerifier, isClientCredentials } from './verify.js';
