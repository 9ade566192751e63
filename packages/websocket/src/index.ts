export { closeOnExpiry, TOKEN_EXPIRED_CLOSE_CODE } from './expiry.js';
export type { HandshakeSocket, RefusalData } from './socket-io.js';
export { socketIoAuth } from './socket-io.js';
export type {
  GatehouseOptions,
  UpgradeAuthenticator,
  UpgradeDecision,
} from './upgrade.js';
export {
  requireAnyScope,
  requireAuth,
  requireClaims,
  requireScopes,
  writeRefusal,
} from './upgrade.js';
