import { randomUUID } from 'node:crypto';

/** The identity providers `createProviderIssuer` imitates. */
export type Provider =
  | 'auth0'
  | 'okta'
  | 'entra-v1'
  | 'entra-v2'
  | 'keycloak'
  | 'cognito'
  | 'google'
  | 'firebase';

/** What a provider-shaped token grants; each preset puts it where its provider does. */
export interface ProviderGrant {
  /** Scopes (`scope` string, `scp` string or array, `permissions` array, by provider). */
  scopes?: string[];
  /** Roles or groups (`roles`, `realm_access.roles`, `cognito:groups`, `groups`, …). */
  roles?: string[];
  /** Entra ID: the tenant (default: the preset's first tenant). Refused by the others. */
  tenant?: string;
  /** A machine-to-machine token (client credentials), where the provider shapes it apart. */
  app?: boolean;
  /** Claims added last, over the preset's; a claim given as `undefined` is removed. */
  claims?: Record<string, unknown>;
}

/** What a preset's claim builder knows. */
export interface PresetContext {
  /** Issuer identifier of the token (for Entra: of its tenant). */
  issuer: string;
  origin: string;
  audience: string;
  clientId: string;
  tenant: string | undefined;
  grant: ProviderGrant;
}

/** One provider's documented token shape. */
export interface Preset {
  /** Public pages the shape follows. */
  docs: readonly string[];
  path: string;
  trailingSlash?: boolean;
  jwksPath: string;
  /** What the API configures as `audience` (for Cognito: the app client id in `client_id`). */
  audience: string;
  /** The client application the tokens are issued to. */
  clientId: string;
  /** Entra ID: tenants the preset mints for, the first is the default. */
  tenants?: readonly string[];
  /** Header `typ`; `null`: none. */
  typ: string | null;
  /** Entra v1: `x5t` equal to `kid`. */
  x5t?: boolean;
  /** Claims of an access token as the provider issues one to this API. */
  claims(ctx: PresetContext): Record<string, unknown>;
  /** The classic wrong token, and what it is. */
  mistake: {
    description: string;
    claims?(ctx: PresetContext): Record<string, unknown>;
    header?: Record<string, unknown>;
  };
}

const list = (values: string[] | undefined) => values ?? [];
const joined = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ');
const ifAny = (name: string, values: string[] | undefined) =>
  values?.length ? { [name]: values } : {};
/** Removes the test issuer's defaults a provider does not emit. */
const NO_DEFAULTS = { client_id: undefined, jti: undefined, sub: undefined };

// https://auth0.com/docs/secure/tokens/access-tokens/access-token-profiles (Auth0 profile: typ
// JWT, `azp`, aud array with /userinfo); https://auth0.com/docs/get-started/apis/enable-role-based-access-control-for-apis
// (`permissions`); https://auth0.com/docs/get-started/authentication-and-authorization-flow/client-credentials-flow
// (`gty: client-credentials`, sub `<client>@clients`); namespaced custom claims for roles:
// https://auth0.com/docs/secure/tokens/json-web-tokens/create-custom-claims
const auth0: Preset = {
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

// https://developer.okta.com/docs/api/oauth2/ (access token: ver 1, jti AT., cid, uid, scp
// array, no header typ); https://developer.okta.com/docs/guides/validate-access-tokens/ (custom
// authorization server `/oauth2/default`, aud `api://default`; org server tokens are not for you)
const okta: Preset = {
  docs: [
    'https://developer.okta.com/docs/api/oauth2/',
    'https://developer.okta.com/docs/guides/validate-access-tokens/',
    'https://developer.okta.com/docs/guides/customize-tokens-groups-claim/',
  ],
  path: '/oauth2/default',
  jwksPath: '/oauth2/default/v1/keys',
  audience: 'api://default',
  clientId: '0oa1b2c3d4E5F6g7h8i9',
  typ: null,
  claims: ({ clientId, grant }) => ({
    ...NO_DEFAULTS,
    ver: 1,
    jti: `AT.${randomUUID().replaceAll('-', '')}`,
    cid: clientId,
    ...(grant.app
      ? { sub: clientId }
      : { uid: '00u1a2b3c4D5E6f7g8h9', sub: 'alice@example.com', auth_time: nowSeconds() }),
    scp: grant.app ? list(grant.scopes) : ['openid', ...list(grant.scopes)],
    ...ifAny('groups', grant.roles),
  }),
  mistake: {
    description: 'a token of the Okta org authorization server (iss and aud: the org URL)',
    claims: ({ origin }) => ({ iss: origin, aud: origin }),
  },
};

const ENTRA_TENANTS = [
  '72f988bf-86f1-41af-91ab-2d7cd011db47',
  '9188040d-6c67-4c5b-b112-36a304b66dad',
] as const;
const ENTRA_API_APP = '6e74172b-be56-4843-9ff4-e66a39bb12e3';
const ENTRA_CLIENT_APP = 'c44b4083-3bb0-49c1-b47d-974e53cbdf3c';
const GRAPH_APP = '00000003-0000-0000-c000-000000000000';

/** Claims common to Entra ID v1 and v2 access tokens. */
const entraCommon = ({ tenant, grant }: PresetContext) => ({
  ...NO_DEFAULTS,
  nbf: nowSeconds(),
  aio: 'E2ZgYJjOZ9rmkX1zK6OZJS1uTpx7AQ==',
  oid: grant.app ? '3f2a8b6c-5a2b-4c1d-9e8f-7a6b5c4d3e2f' : '9f3e7c1a-2b4d-4e6f-8a0b-1c2d3e4f5a6b',
  sub: 'AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ',
  tid: tenant,
  uti: randomUUID().slice(0, 22),
  rh: '0.AAAAv4j5cvGGr0GRqy180BHbR-AAAAAAAAAAwAAAAAAAAAAAAA.',
  ...(grant.app ? { idtyp: 'app' } : { scp: joined(...list(grant.scopes)) }),
  // App permissions of a client-credentials token are roles, as app roles of a user are.
  ...ifAny('roles', grant.app ? [...list(grant.roles), ...list(grant.scopes)] : grant.roles),
});

// https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference (v2.0:
// aud = the API's client id, azp, ver 2.0; header typ JWT and kid);
// https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-the-issuer
// (multi-tenant: iss `https://login.microsoftonline.com/{tenantid}/v2.0`, tid matches it)
const entraV2: Preset = {
  docs: [
    'https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference',
    'https://learn.microsoft.com/entra/identity-platform/access-tokens',
    'https://learn.microsoft.com/entra/identity-platform/claims-validation',
  ],
  path: '/{tenantid}/v2.0',
  jwksPath: '/{tenantid}/discovery/v2.0/keys',
  audience: ENTRA_API_APP,
  clientId: ENTRA_CLIENT_APP,
  tenants: ENTRA_TENANTS,
  typ: 'JWT',
  claims: (ctx) => ({
    ...entraCommon(ctx),
    azp: ctx.clientId,
    azpacr: '0',
    ...(ctx.grant.app ? {} : { name: 'Alice', preferred_username: 'alice@contoso.com' }),
    ver: '2.0',
  }),
  mistake: {
    description:
      'a v1.0 token (iss https://sts.windows.net/{tid}/): the API app manifest lacks accessTokenAcceptedVersion: 2',
    claims: ({ origin, tenant }) => ({ iss: `${origin}/${tenant}/`, ver: '1.0', azp: undefined }),
  },
};

// The same pages (v1.0: aud = the App ID URI `api://…`, appid, iss https://sts.windows.net/{tid}/,
// header x5t next to kid); Graph tokens carry a header nonce and are not for your API.
const entraV1: Preset = {
  ...entraV2,
  path: '/{tenantid}',
  trailingSlash: true,
  jwksPath: '/{tenantid}/discovery/keys',
  audience: `api://${ENTRA_API_APP}`,
  x5t: true,
  claims: (ctx) => ({
    ...entraCommon(ctx),
    appid: ctx.clientId,
    appidacr: '0',
    ...(ctx.grant.app
      ? {}
      : {
          name: 'Alice',
          unique_name: 'alice@contoso.com',
          upn: 'alice@contoso.com',
          amr: ['pwd'],
        }),
    ver: '1.0',
  }),
  mistake: {
    description: 'a Microsoft Graph token (aud 00000003-0000-0000-c000-000000000000)',
    claims: () => ({ aud: GRAPH_APP }),
    // Graph signs a hash of this nonce, not the nonce: its tokens never verify outside Graph.
    header: { nonce: 'Hq6QwbJYXJ5UP5WobhmDjpDnMkZmkkRr8kAvRTqKbS0' },
  },
};

// https://www.keycloak.org/docs/latest/server_admin/#_audience (default aud `account`, the
// audience mapper); https://www.keycloak.org/docs/latest/server_admin/#_role_scope_mappings
// (realm_access.roles, resource_access.<client>.roles); payload typ "Bearer"
const keycloak: Preset = {
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

// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html
// (header kid+alg only; no aud; client_id, token_use access, cognito:groups, scope, version 2);
// https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
// (the ID token: aud = app client id, token_use id, signed with another key)
const COGNITO_POOL = 'us-east-1_gAtEh0uSe';
const cognitoUser = ({ grant }: PresetContext) => ({
  ...NO_DEFAULTS,
  sub: 'a1b2c3d4-0000-4000-8000-aabbccddeeff',
  ...ifAny('cognito:groups', grant.roles),
  origin_jti: randomUUID(),
  event_id: randomUUID(),
  auth_time: nowSeconds(),
  jti: randomUUID(),
});
const cognito: Preset = {
  docs: [
    'https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html',
    'https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html',
    'https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-verifying-a-jwt.html',
  ],
  path: `/${COGNITO_POOL}`,
  jwksPath: `/${COGNITO_POOL}/.well-known/jwks.json`,
  audience: '3n4b5urk1ft4fl3mg5e62d9ado',
  clientId: '3n4b5urk1ft4fl3mg5e62d9ado',
  typ: null,
  claims: (ctx) => ({
    ...cognitoUser(ctx),
    aud: undefined,
    version: 2,
    client_id: ctx.clientId,
    token_use: 'access',
    scope: joined(...list(ctx.grant.scopes)) || 'aws.cognito.signin.user.admin',
    username: 'alice',
  }),
  mistake: {
    description: 'the ID token (token_use id, aud = the app client id) sent as an access token',
    claims: (ctx) => ({
      ...cognitoUser(ctx),
      client_id: undefined,
      scope: undefined,
      version: undefined,
      username: undefined,
      aud: ctx.clientId,
      token_use: 'id',
      'cognito:username': 'alice',
      email: 'alice@example.com',
      email_verified: true,
    }),
  },
};

// https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload;
// https://cloud.google.com/docs/authentication/token-types (access tokens are opaque);
// https://cloud.google.com/run/docs/authenticating/service-to-service (ID token, aud = the service URL)
const google: Preset = {
  docs: [
    'https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload',
    'https://cloud.google.com/docs/authentication/token-types',
    'https://cloud.google.com/run/docs/authenticating/service-to-service',
  ],
  path: '',
  jwksPath: '/oauth2/v3/certs',
  audience: 'https://orders-api-4xkq2zq5ua-uc.a.run.app',
  clientId: '107138461425368011425',
  typ: 'JWT',
  claims: ({ clientId }) => ({
    ...NO_DEFAULTS,
    azp: clientId,
    sub: clientId,
    email: 'orders-caller@acme-prod.iam.gserviceaccount.com',
    email_verified: true,
  }),
  mistake: {
    description: 'a Google OAuth access token (opaque "ya29.…", not a JWT)',
  },
};

// https://firebase.google.com/docs/auth/admin/verify-id-tokens#verify_id_tokens_using_a_third-party_jwt_library
// (iss https://securetoken.google.com/<project>, aud <project>, sub = uid, auth_time);
// https://firebase.google.com/docs/auth/admin/custom-claims (custom claims such as roles)
const FIREBASE_PROJECT = 'gatehouse-demo';
const firebase: Preset = {
  docs: [
    'https://firebase.google.com/docs/auth/admin/verify-id-tokens#verify_id_tokens_using_a_third-party_jwt_library',
    'https://firebase.google.com/docs/auth/admin/custom-claims',
  ],
  path: `/${FIREBASE_PROJECT}`,
  jwksPath: '/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com',
  audience: FIREBASE_PROJECT,
  clientId: FIREBASE_PROJECT,
  typ: 'JWT',
  claims: ({ grant }) => ({
    ...NO_DEFAULTS,
    auth_time: nowSeconds(),
    user_id: 'kX2bT9mQ4rZ7yW1vN8pL3sD6fH0j',
    sub: 'kX2bT9mQ4rZ7yW1vN8pL3sD6fH0j',
    email: 'alice@example.com',
    email_verified: true,
    firebase: { identities: { email: ['alice@example.com'] }, sign_in_provider: 'password' },
    ...ifAny('roles', grant.roles),
  }),
  mistake: {
    description: 'an ID token of another Firebase project (iss and aud name it)',
    claims: ({ origin }) => ({
      iss: `${origin}/other-project`,
      aud: 'other-project',
    }),
  },
};

/** Every preset, by provider. */
export const PRESETS: Readonly<Record<Provider, Preset>> = Object.freeze({
  auth0,
  okta,
  'entra-v1': entraV1,
  'entra-v2': entraV2,
  keycloak,
  cognito,
  google,
  firebase,
});

// Read per call so fake timers apply, as in mint.ts.
function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
