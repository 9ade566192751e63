import { ifAny, joined, list, NO_DEFAULTS, type Preset } from './preset.js';

// https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles (Auth0 profile: typ
// JWT, `azp`, aud array with /userinfo); https://auth0.com/docs/get-started/apis/enable-role-based-access-control-for-apis
// (`permissions`); https://auth0.com/docs/get-started/authentication-and-authorization-flow/client-credentials-flow
// (`gty: client-credentials`, sub `<client>@clients`); namespaced custom claims for roles:
// https://auth0.com/docs/secure/tokens/json-web-tokens/create-custom-claims
export const auth0: Preset = {
  docs: [
    'https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles',
    'https://auth0.com/docs/get-started/apis/enable-role-based-access-control-for-apis',
    'https://auth0.com/docs/secure/tokens/json-web-tokens/create-custom-claims',
  ],
  path: '',
  trailingSlash: true,
  jwksPath: '/.well-known/jwks.json',
  audience: 'https://api.example.com',
  clientId: 'dN2Ji5XxKb1GQpBNV3mVYq7wHlJNfGQH',
  typ: 'JWT',
  claims: ({ issuer, audience, clientId, grant }) => ({
    ...NO_DEFAULTS,
    sub: grant.app ? `${clientId}@clients` : 'auth0|5f7c8ec7c33c6c004bbafe82',
    aud: grant.app ? audience : [audience, `${issuer}userinfo`],
    azp: clientId,
    scope: grant.app
      ? joined(...list(grant.scopes))
      : joined('openid profile', ...list(grant.scopes)),
    permissions: list(grant.scopes),
    ...(grant.app ? { gty: 'client-credentials' } : {}),
    ...ifAny('https://example.com/roles', grant.roles),
  }),
  mistake: {
    description: 'a token for the Auth0 Management API (aud https://<domain>/api/v2/)',
    claims: ({ issuer }) => ({ aud: `${issuer}api/v2/` }),
  },
};
