export { AnyScope, Auth, Claims, Public, Scopes } from './decorators.js';
export type { GatehouseOptions } from './guard.js';
export {
  GATEHOUSE_AUTH_HANDLER,
  GatehouseGuard,
  IS_PUBLIC_KEY,
  requireAnyScope,
  requireAuth,
  requireClaims,
  requireScopes,
} from './guard.js';
export { GatehouseModule } from './module.js';
