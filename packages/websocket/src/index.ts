export { closeOnExpiry, TOKEN_EXPIRED_CLOSE_CODE } from './expiry.js';
export type { HandshakeSocket, RefusalData } from './socket-io.js';
export { socketIoAuth } from './socket-io.js';
export type {
  GatehouseOptions,
  UpgradeAuthenticator,
  UpgradeDecision,
} from './upgrade.js';
export {
  requireAnyRole,
  requireAnyScope,
  requireAuth,
  requireAuthentication,
  requireClaims,
  requireRoles,
  requireScopes,
  writeRefusal,
} from './upgrade.js';
