export { AnyRole, AnyScope, Auth, Claims, Public, Roles, Scopes } from './decorators.js';
export type { GatehouseOptions } from './guard.js';
export {
  GATEHOUSE_AUTH_HANDLER,
  GatehouseGuard,
  IS_PUBLIC_KEY,
  requireAnyRole,
  requireAnyScope,
  requireAuth,
  requireAuthentication,
  requireClaims,
  requireRoles,
  requireScopes,
} from './guard.js';
export type { GatehouseModuleOptions } from './module.js';
export { GatehouseModule } from './module.js';
