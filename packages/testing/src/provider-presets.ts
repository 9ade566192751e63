import { auth0 } from './presets/auth0.js';
import { cognito } from './presets/cognito.js';
import { entraV1, entraV2 } from './presets/entra.js';
import { firebase, google } from './presets/google.js';
import { keycloak } from './presets/keycloak.js';
import { okta } from './presets/okta.js';
import type { Preset, Provider } from './presets/preset.js';

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
