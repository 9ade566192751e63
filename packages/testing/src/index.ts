export type { DpopAlg, DpopKey, DpopProofOptions } from './dpop.js';
export { createDpopKey } from './dpop.js';
export { createTestIssuer } from './issuer.js';
export type { JwsPayload } from './jws.js';
export { SUPPORTED_ALGORITHMS } from './keys.js';
export { DEFAULT_CLIENT_ID, DEFAULT_SUBJECT } from './mint.js';
export { TEST_ISSUER_DEFAULTS } from './options.js';
export type { Provider, ProviderGrant } from './presets/preset.js';
export {
  createProviderIssuer,
  PROVIDERS,
  type ProviderIssuer,
  type ProviderIssuerOptions,
} from './providers.js';
export type {
  CheckProtectedRouteOptions,
  CheckResult,
  ProtectedRouteReport,
} from './route-check.js';
export { checkProtectedRoute } from './route-check.js';
export type { CheckCategory, Expectation } from './route-check-types.js';
export type { RequestListener, RouteTarget } from './route-target.js';
export type {
  Alg,
  DiscoveryMode,
  Fault,
  FaultTarget,
  FaultType,
  IdTokenOptions,
  MintOptions,
  RequestCounters,
  RotateKeysOptions,
  SigningKey,
  SignOptions,
  TestClient,
  TestIssuer,
  TestIssuerOptions,
} from './types.js';
