export type {
  Authenticate,
  AuthResult,
  GatehouseOptions,
  RequestGuard,
} from './authenticate.js';
export {
  refusalHeaders,
  refusalResponse,
  requireAnyRole,
  requireAnyScope,
  requireAuth,
  requireAuthentication,
  requireClaims,
  requireRoles,
  requireScopes,
  toRequestGuard,
  toResponse,
} from './authenticate.js';
export type { RouteContext } from './handlers.js';
export { withAuth, withRouteAuth } from './handlers.js';
