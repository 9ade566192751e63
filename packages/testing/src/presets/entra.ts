import { randomUUID } from 'node:crypto';
import {
  ifAny,
  joined,
  list,
  NO_DEFAULTS,
  nowSeconds,
  type Preset,
  type PresetContext,
} from './preset.js';

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
export const entraV2: Preset = {
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
export const entraV1: Preset = {
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
