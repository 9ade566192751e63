import * as oidc from 'openid-client';
import { API_RESOURCE, type RunningProvider } from './provider.js';

/** What the provider handed out for one sign-in (authorization code + PKCE). */
export interface UserTokens {
  accessToken: string;
  idToken: string;
  /** Issued only for an offline scope (`offline_access` or the platform's URL-shaped one). */
  refreshToken: string | undefined;
}

/**
 * openid-client 6 as the real relying party: discovery of the issuer with a path (OIDC append
 * form), client_secret_basic. The provider speaks plain http on 127.0.0.1, which openid-client
 * refuses unless told otherwise.
 */
export async function connectClient(provider: RunningProvider): Promise<oidc.Configuration> {
  return oidc.discovery(
    new URL(provider.issuer),
    provider.client.id,
    provider.client.secret,
    oidc.ClientSecretBasic(provider.client.secret),
    { execute: [oidc.allowInsecureRequests] },
  );
}

/** Client-credentials grant (RFC 6749 §4.4) with a resource indicator (RFC 8707). */
export async function clientCredentialsToken(
  config: oidc.Configuration,
  scope: string,
  resource = API_RESOURCE,
): Promise<string> {
  const response = await oidc.clientCredentialsGrant(config, { scope, resource });
  return response.access_token;
}

/** The refresh grant; returns the new access token. */
export async function refreshAccessToken(
  config: oidc.Configuration,
  refreshToken: string,
): Promise<string> {
  const response = await oidc.refreshTokenGrant(config, refreshToken);
  return response.access_token;
}

/**
 * Authorization code flow with PKCE (RFC 7636), walked like a browser that follows redirects by
 * hand and keeps cookies; the provider's interaction route signs the user in and consents.
 */
export async function signIn(
  config: oidc.Configuration,
  provider: RunningProvider,
  scope: string,
): Promise<UserTokens> {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const authorizationUrl = oidc.buildAuthorizationUrl(config, {
    redirect_uri: provider.client.redirectUri,
    scope,
    resource: API_RESOURCE,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    // OIDC Core §11: offline_access is only honoured together with an explicit consent prompt.
    prompt: 'consent',
  });
  const callbackUrl = await followRedirects(authorizationUrl, provider.client.redirectUri);
  const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
    pkceCodeVerifier: codeVerifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  if (!tokens.id_token) throw new Error('the provider issued no ID token');
  return {
    accessToken: tokens.access_token,
    idToken: tokens.id_token,
    refreshToken: tokens.refresh_token,
  };
}

/** Follows the authorization flow's redirects (keeping cookies) until `redirectUri`; returns that URL. */
export async function followRedirects(start: URL, redirectUri: string): Promise<URL> {
  const cookies = new Map<string, string>();
  let url = start;
  for (let hop = 0; hop < 10; hop += 1) {
    const response = await fetch(url, {
      redirect: 'manual',
      headers: { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      if (value === '' || /expires=thu, 01 jan 1970/i.test(line)) cookies.delete(name);
      else cookies.set(name, value);
    }
    await response.arrayBuffer();
    const location = response.headers.get('location');
    if (!location) throw new Error(`the authorization flow stopped with status ${response.status}`);
    url = new URL(location, url);
    if (url.href.startsWith(redirectUri)) return url;
  }
  throw new Error('too many redirects in the authorization flow');
}
