import { randomUUID } from 'node:crypto';
import { joined, list, NO_DEFAULTS, type Preset } from './preset.js';

// https://www.keycloak.org/docs/latest/server_admin/#_audience (default aud `account`, the
// audience mapper); https://www.keycloak.org/docs/latest/server_admin/#_role_scope_mappings
// (realm_access.roles, resource_access.<client>.roles); payload typ "Bearer"
export const keycloak: Preset = {
  docs: [
    'https://www.keycloak.org/docs/latest/server_admin/#_audience',
    'https://www.keycloak.org/docs/latest/server_admin/#_role_scope_mappings',
    'https://www.keycloak.org/securing-apps/oidc-layers',
  ],
  path: '/realms/acme',
  jwksPath: '/realms/acme/protocol/openid-connect/certs',
  audience: 'orders-api',
  clientId: 'web-app',
  typ: 'JWT',
  claims: ({ audience, clientId, grant }) => ({
    ...NO_DEFAULTS,
    jti: randomUUID(),
    aud: [audience, 'account'],
    sub: 'f1b2c3d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
    typ: 'Bearer',
    azp: clientId,
    sid: randomUUID(),
    acr: '1',
    'allowed-origins': ['https://app.example.com'],
    realm_access: { roles: ['default-roles-acme', 'offline_access', ...list(grant.roles)] },
    resource_access: { account: { roles: ['manage-account', 'view-profile'] } },
    scope: joined('openid email profile', ...list(grant.scopes)),
    email_verified: true,
    preferred_username: 'alice',
  }),
  mistake: {
    description: 'a token with the default aud "account" (no audience mapper for the API)',
    claims: () => ({ aud: 'account' }),
  },
};
