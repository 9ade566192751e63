export type { AdapterOptions, AuthHandlerOptions } from './adapter-options.js';
export type { Algorithm } from './algorithms.js';
export { ASYMMETRIC_ALGORITHMS, HMAC_ALGORITHMS } from './algorithms.js';
export { isClientCredentials } from './auth-context.js';
export { extractBearerToken } from './bearer.js';
export { readClaim } from './claim-path.js';
export type { ClaimRule, ClaimRules } from './claims.js';
export { GatehouseConfigError } from './config-error.js';
export { DEFAULTS } from './defaults.js';
export type { DpopOptions } from './dpop/options.js';
export { DPOP_DEFAULTS } from './dpop/options.js';
export type { DpopRequest } from './dpop/proof.js';
export type { MemoryReplayStoreOptions, ReplayStore } from './dpop/replay-store.js';
export { createMemoryReplayStore, ReplayStoreFullError } from './dpop/replay-store.js';
export type { Duration } from './duration.js';
export { parseDurationSeconds } from './duration.js';
export type {
  AuthScheme,
  ChallengeOptions,
  ErrorCode,
  ErrorReason,
  GatehouseErrorInit,
  HttpErrorResponse,
} from './errors.js';
export { GatehouseError, isGatehouseError, toHttpResponse } from './errors.js';
export type { AuthenticationRequirements } from './guards.js';
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
export type { IssuerEntry, IssuerOption, IssuerTemplate } from './issuers.js';
export type { KeyStoreHealth } from './jwks.js';
export type { KeyFetchOptions } from './key-fetch-options.js';
export { LOG_REPEAT_MS } from './logging.js';
export type { Logger } from './observability-options.js';
export { parseOrThrow } from './option-schemas.js';
export type { VerifierOptions } from './options.js';
export type { IssuerFailure, Readiness, VerifierHealth } from './readiness.js';
export { GatehouseReadinessError } from './readiness.js';
export type {
  MetadataResponse,
  ResourceMetadata,
  ResourceMetadataOptions,
} from './resource-metadata.js';
export {
  createResourceMetadata,
  isResourceMetadata,
  RESOURCE_METADATA_WELL_KNOWN,
} from './resource-metadata.js';
export { extractRoles, hasAnyRole, hasRoles } from './roles.js';
export { extractScopes, hasAnyScope, hasScopes } from './scopes.js';
export type { MeterProviderLike, TelemetryOptions } from './telemetry.js';
export type { TokenLocations } from './token-locations.js';
export type {
  AuthContext,
  EventListener,
  GatehouseEvent,
  JwtClaims,
  JwtHeader,
} from './types.js';
export * from './users.js';
export type { Authorization, DpopRequestSource, Verifier } from './verifier.js';
export { createVerifier } from './verify.js';
