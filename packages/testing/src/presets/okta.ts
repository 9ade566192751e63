import { randomUUID } from 'node:crypto';
import { ifAny, list, NO_DEFAULTS, nowSeconds, type Preset } from './preset.js';

// https://developer.okta.com/docs/api/oauth2/ (access token: ver 1, jti AT., cid, uid, scp
// array, no header typ); https://developer.okta.com/docs/guides/validate-access-tokens/ (custom
// authorization server `/oauth2/default`, aud `api://default`; org server tokens are not for you)
export const okta: Preset = {
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
