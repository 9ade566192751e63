import {
  createProviderIssuer,
  PROVIDERS,
  type Provider,
  type ProviderGrant,
  type ProviderIssuer,
} from '@gatehouse/testing';
import { auth0Options } from '../guides/auth0.js';
import { cognitoOptions } from '../guides/cognito.js';
import { entraV1Options, entraV2Options } from '../guides/entra-id.js';
import { firebaseOptions } from '../guides/firebase.js';
import { googleOptions } from '../guides/google.js';
import { keycloakOptions } from '../guides/keycloak.js';
import { oktaOptions } from '../guides/okta.js';

/** The role the `role` route requires, and the caller the `caller` route allows (Google). */
export const ROLE = 'admin';
export const GOOGLE_CALLER = 'orders-caller@acme-prod.iam.gserviceaccount.com';
/** An Entra tenant no configuration lists. */
const STRANGER_TENANT = '0b1e8e1a-7c1d-4f9e-9d55-000000000bad';

/** How each provider's guide is run: its options, and the route and grant that authorize. */
interface ProviderCase {
  options(issuer: ProviderIssuer): Record<string, unknown>;
  route: 'scoped' | 'role' | 'caller';
  granted: ProviderGrant;
  denied: ProviderGrant;
}

const entraTenants = (p: ProviderIssuer) => [...p.tenants];
type Authorization = Pick<ProviderCase, 'route' | 'granted' | 'denied'>;
const byRole: Authorization = {
  route: 'role',
  granted: { roles: [ROLE] },
  denied: { roles: ['reader'] },
};

export const PROVIDER_CASES = (scope: string): Record<Provider, ProviderCase> => {
  const byScope: Authorization = {
    route: 'scoped',
    granted: { scopes: [scope] },
    denied: { scopes: ['other'] },
  };
  return {
    auth0: {
      ...byScope,
      options: (p) => ({ ...auth0Options({ issuer: p.url, audience: p.audience }) }),
    },
    okta: {
      ...byScope,
      options: (p) => ({ ...oktaOptions({ issuer: p.url, audience: p.audience }) }),
    },
    'entra-v2': {
      ...byRole,
      options: (p) => ({
        ...entraV2Options({ authority: p.origin, tenants: entraTenants(p), clientId: p.audience }),
      }),
    },
    'entra-v1': {
      ...byRole,
      options: (p) => ({
        ...entraV1Options({
          authority: p.origin,
          stsAuthority: p.origin,
          tenants: entraTenants(p),
          clientId: p.audience.replace(/^api:\/\//, ''),
          applicationIdUri: p.audience,
        }),
      }),
    },
    keycloak: {
      ...byRole,
      options: (p) => ({ ...keycloakOptions({ realmUrl: p.url, audience: p.audience }) }),
    },
    cognito: {
      ...byScope,
      options: (p) => ({ ...cognitoOptions({ issuer: p.url, appClientIds: [p.audience] }) }),
    },
    google: {
      route: 'caller',
      granted: {},
      denied: { claims: { email: 'someone-else@acme-prod.iam.gserviceaccount.com' } },
      options: (p) => ({ ...googleOptions({ issuer: p.url, audience: p.audience }) }),
    },
    firebase: {
      ...byRole,
      options: (p) => ({ ...firebaseOptions({ projectId: p.audience, securetoken: p.origin }) }),
    },
  };
};

/** One running preset per provider. */
export async function createProviderIssuers(): Promise<Record<Provider, ProviderIssuer>> {
  const issuers = await Promise.all(PROVIDERS.map((provider) => createProviderIssuer(provider)));
  return Object.fromEntries(PROVIDERS.map((p, i) => [p, issuers[i]!])) as Record<
    Provider,
    ProviderIssuer
  >;
}

type Minter = (providers: Record<Provider, ProviderIssuer>) => Promise<string>;
type Kind = 'valid' | 'granted' | 'denied' | 'mistake';

/** Token makers named `<provider>:<kind>`, plus the Entra tenant rows. */
export function providerTokens(scope: string) {
  const cases = PROVIDER_CASES(scope);
  const tokens = {} as Record<`${Provider}:${Kind}`, Minter>;
  for (const provider of PROVIDERS) {
    const { granted, denied } = cases[provider];
    tokens[`${provider}:valid`] = (all) => all[provider].mint();
    tokens[`${provider}:granted`] = (all) => all[provider].mint(granted);
    tokens[`${provider}:denied`] = (all) => all[provider].mint(denied);
    tokens[`${provider}:mistake`] = (all) => all[provider].mintMistake();
  }
  const entra = (all: Record<Provider, ProviderIssuer>) => all['entra-v2'];
  return {
    ...tokens,
    'entra-v2:second-tenant': (all: Record<Provider, ProviderIssuer>) =>
      entra(all).mint({ tenant: entra(all).tenants[1]! }),
    'entra-v2:unlisted-tenant': (all: Record<Provider, ProviderIssuer>) =>
      entra(all).mint({ tenant: STRANGER_TENANT }),
    'keycloak:malformed-roles': (all: Record<Provider, ProviderIssuer>) =>
      all.keycloak.mint({ claims: { realm_access: { roles: { admin: true } } } }),
    'entra-v2:tid-mismatch': (all: Record<Provider, ProviderIssuer>) =>
      entra(all).mint({ claims: { tid: entra(all).tenants[1]! } }),
  } satisfies Record<string, Minter>;
}
