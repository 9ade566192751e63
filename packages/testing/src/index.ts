export type { DpopAlg, DpopKey, DpopProofOptions } from './dpop.js';
export { createDpopKey } from './dpop.js';
export { createTestIssuer } from './issuer.js';
export type { JwsPayload } from './jws.js';
export { SUPPORTED_ALGORITHMS } from './keys.js';
export { DEFAULT_CLIENT_ID, DEFAULT_SUBJECT } from './mint.js';
export { TEST_ISSUER_DEFAULTS } from './options.js';
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
