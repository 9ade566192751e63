import { forTenant, TENANT_PLACEHOLDER } from './routes.js';
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

/**
 * Normalises an issuer path: leading slash, no trailing slash, `''` for the root. A
 * `{tenantid}` segment (at most one, a whole segment) makes the issuer multi-tenant.
 */
export function normalizePath(path: string | undefined, option = 'path'): string {
  if (path === undefined || path === '') return '';
  if (/[?#]/.test(path)) {
    throw new TypeError(
      `@gatehouse/testing: options.${option} must not contain a query or fragment`,
    );
  }
  const withSlash = path.startsWith('/') ? path : `/${path}`;
  const normalized = withSlash.replace(/\/+$/, '');
  const segments = normalized.split('/');
  const placeholders = segments.filter((segment) => segment === TENANT_PLACEHOLDER).length;
  if (placeholders > 1 || (placeholders === 0 && /[{}]/.test(normalized))) {
    throw new TypeError(
      `@gatehouse/testing: options.${option} may hold ${TENANT_PLACEHOLDER} once, as a whole segment`,
    );
  }
  if (placeholders === 1 && segments.some((s) => s !== TENANT_PLACEHOLDER && /[{}]/.test(s))) {
    throw new TypeError(`@gatehouse/testing: options.${option} has a stray { or }`);
  }
  return normalized;
}

/** How the issuer identifier and key URL are shaped (providers differ). */
export interface EndpointShape {
  /** The issuer identifier ends with `/` (Auth0, Entra ID v1). */
  trailingSlash: boolean;
  /** JWKS path from the origin, e.g. `'/.well-known/jwks.json'`. Default `<issuer path>/jwks`. */
  jwksPath: string | undefined;
}

/**
 * Builds every endpoint URL of an issuer at `origin` (no trailing slash) + `path`. Both
 * discovery specifications drop a terminating `/` of the issuer before adding their suffix
 * (OIDC Discovery §4, RFC 8414 §3.1), so a trailing slash only changes `issuer`.
 */
export function issuerEndpoints(
  origin: string,
  path: string,
  shape: EndpointShape = { trailingSlash: false, jwksPath: undefined },
): IssuerEndpoints {
  const base = origin + path;
  return {
    issuer: shape.trailingSlash ? `${base}/` : base,
    jwksUri: shape.jwksPath === undefined ? `${base}/jwks` : origin + shape.jwksPath,
    tokenEndpoint: `${base}/token`,
    authorizationEndpoint: `${base}/authorize`,
    openidConfiguration: `${base}/.well-known/openid-configuration`,
    oauthAuthorizationServer: `${origin}/.well-known/oauth-authorization-server${path}`,
  };
}

/** The endpoints of one tenant of a multi-tenant issuer (`{tenantid}` replaced everywhere). */
export function tenantEndpoints(endpoints: IssuerEndpoints, tenant: string): IssuerEndpoints {
  const entries = Object.entries(endpoints).map(([name, url]) => [name, forTenant(url, tenant)]);
  return Object.fromEntries(entries) as unknown as IssuerEndpoints;
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
