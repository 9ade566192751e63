import type { Alg, DiscoveryMode, TestClient } from './types.js';

/** Where the issuer serves what, derived once from its origin and path. */
export interface IssuerEndpoints {
  issuer: string;
  jwksUri: string;
  tokenEndpoint: string;
  authorizationEndpoint: string;
  /** OIDC Discovery §4: the issuer with `/.well-known/openid-configuration` appended. */
  openidConfiguration: string;
  /** RFC 8414 §3.1: `/.well-known/oauth-authorization-server` inserted before the issuer path. */
  oauthAuthorizationServer: string;
}

/** Normalises an issuer path: leading slash, no trailing slash, `''` for the root. */
export function normalizePath(path: string | undefined): string {
  if (path === undefined || path === '') return '';
  if (/[?#]/.test(path)) {
    throw new TypeError('@gatehouse/testing: options.path must not contain a query or fragment');
  }
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  return withSlash.replace(/\/+$/, '');
}

/** Builds every endpoint URL of an issuer at `origin` (no trailing slash) + `path`. */
export function issuerEndpoints(origin: string, path: string): IssuerEndpoints {
  const issuer = origin + path;
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint: `${issuer}/token`,
    authorizationEndpoint: `${issuer}/authorize`,
    openidConfiguration: `${issuer}/.well-known/openid-configuration`,
    oauthAuthorizationServer: `${origin}/.well-known/oauth-authorization-server${path}`,
  };
}

/** True when `mode` serves the OIDC (`'oidc'`) or RFC 8414 (`'oauth'`) document. */
export function servesDocument(mode: DiscoveryMode, document: 'oidc' | 'oauth'): boolean {
  return mode === 'both' || mode === document;
}

/**
 * The metadata document, identical for OIDC Discovery §3 and RFC 8414 §2. Signing algorithms
 * follow the keys currently published.
 *
 * Does not: implement the authorization endpoint; it is advertised because both specifications
 * require it, and answers `unsupported_response_type`.
 */
export function buildMetadata(
  endpoints: IssuerEndpoints,
  algorithms: readonly Alg[],
  clients: readonly TestClient[],
): Record<string, unknown> {
  const scopes = new Set(['openid']);
  for (const client of clients) {
    for (const scope of client.scope?.split(' ') ?? []) if (scope) scopes.add(scope);
  }
  const algs = [...new Set(algorithms)];
  return {
    issuer: endpoints.issuer,
    authorization_endpoint: endpoints.authorizationEndpoint,
    token_endpoint: endpoints.tokenEndpoint,
    jwks_uri: endpoints.jwksUri,
    scopes_supported: [...scopes],
    response_types_supported: ['code'],
    grant_types_supported: ['client_credentials'],
    subject_types_supported: ['public'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    id_token_signing_alg_values_supported: algs,
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'client_id', 'scope'],
  };
}
