import { ifAny, NO_DEFAULTS, nowSeconds, type Preset } from './preset.js';

// https://developers.google.com/identity/openid-connect/openid-connect#an-id-tokens-payload;
// https://cloud.google.com/docs/authentication/token-types (access tokens are opaque);
// https://cloud.google.com/run/docs/authenticating/service-to-service (ID token, aud = the service URL)
export const google: Preset = {
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
export const firebase: Preset = {
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
