import type { ErrorReason } from '@gatehouse/core';
import { PROVIDERS, type Provider } from '@gatehouse/testing';
import { SCOPE } from './fixture.js';
import { PROVIDER_CASES } from './providers.js';
import { type Row, TOKEN_SUBJECT } from './table.js';

const invalidToken = (reason: ErrorReason) =>
  ({
    status: 401,
    challenge: { error: 'invalid_token' },
    error: 'invalid_token',
    reason,
  }) as const;

/** Why each provider's classic wrong token is refused (see `mintMistake` in @gatehouse/testing). */
const MISTAKE_REASONS: Record<Provider, ErrorReason> = {
  auth0: 'audience_mismatch',
  okta: 'issuer_mismatch',
  'entra-v1': 'audience_mismatch',
  'entra-v2': 'issuer_mismatch',
  keycloak: 'audience_mismatch',
  cognito: 'missing_claim',
  google: 'malformed_token',
  firebase: 'issuer_mismatch',
};
const ok: Row['expect'] = { status: 200, sub: TOKEN_SUBJECT };

// One preset per provider (@gatehouse/testing createProviderIssuer), served with the options of
// its guide (test/guides/<provider>.ts, quoted in docs/providers/): a valid token, the grant the
// route needs, a token without it, and the provider's classic wrong token.
const cases = PROVIDER_CASES(SCOPE);
const perProvider: Row[] = PROVIDERS.flatMap((provider): Row[] => {
  const { route } = cases[provider];
  const missing =
    route === 'scoped'
      ? ({
          status: 403,
          challenge: { error: 'insufficient_scope', scope: SCOPE },
          error: 'insufficient_scope',
          reason: 'insufficient_scope',
          refusedBy: 'guard',
        } as const)
      : ({
          status: 403,
          challenge: { error: 'insufficient_scope' },
          error: 'insufficient_scope',
          reason: route === 'role' ? 'missing_role' : 'claim_mismatch',
          refusedBy: 'guard',
        } as const);
  return [
    {
      name: `${provider}: valid token → 200`,
      variant: provider,
      token: `${provider}:valid`,
      expect: ok,
    },
    {
      name: `${provider}: the ${route === 'scoped' ? 'scope' : route === 'role' ? 'role' : 'caller'} the route needs → 200`,
      variant: provider,
      route,
      token: `${provider}:granted`,
      expect: ok,
    },
    {
      name: `${provider}: without it → 403`,
      variant: provider,
      route,
      token: `${provider}:denied`,
      expect: missing,
    },
    {
      name: `${provider}: its classic wrong token → 401`,
      variant: provider,
      token: `${provider}:mistake`,
      expect: invalidToken(MISTAKE_REASONS[provider]),
    },
  ];
});

const roleMissing = {
  status: 403,
  challenge: { error: 'insufficient_scope' },
  error: 'insufficient_scope',
  reason: 'missing_role',
  refusedBy: 'guard',
} as const;

export const PROVIDER_ROWS: readonly Row[] = [
  ...perProvider,
  {
    name: 'keycloak: requireAnyRole, one of the roles → 200',
    variant: 'keycloak',
    route: 'any-role',
    token: 'keycloak:granted',
    expect: ok,
  },
  {
    name: 'keycloak: requireAnyRole, none of them → 403',
    variant: 'keycloak',
    route: 'any-role',
    token: 'keycloak:denied',
    expect: roleMissing,
  },
  {
    name: 'keycloak: a malformed role claim (an object) is ignored → 403, never 500',
    variant: 'keycloak',
    route: 'role',
    token: 'keycloak:malformed-roles',
    expect: roleMissing,
  },
  {
    name: 'entra-v2: a second allowed tenant (template) → 200',
    variant: 'entra-v2',
    token: 'entra-v2:second-tenant',
    expect: ok,
  },
  {
    name: 'entra-v2: a tenant the template does not allow → 401, no key fetch',
    variant: 'entra-v2',
    token: 'entra-v2:unlisted-tenant',
    expect: invalidToken('issuer_mismatch'),
  },
  {
    name: 'entra-v2: tid differs from the tenant in iss → 401',
    variant: 'entra-v2',
    token: 'entra-v2:tid-mismatch',
    expect: invalidToken('issuer_mismatch'),
  },
];
