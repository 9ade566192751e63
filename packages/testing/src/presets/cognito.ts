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
export const cognito: Preset = {
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
