/**
 * Authorization server metadata: where an issuer publishes its keys.
 *
 * OpenID Connect Discovery 1.0 §4 first, then RFC 8414 §3 — the fallback is taken only when the
 * OIDC document does not exist (404 or 410), never on a timeout, a 5xx or a network error, which
 * say nothing about which document the issuer serves.
 *
 * Does not: follow redirects; accept metadata whose `issuer` differs in any character from the
 * configured one (OIDC Discovery §4.3, RFC 8414 §3.3); accept a `jwks_uri` over plain `http:`
 * unless its host is loopback or `allowInsecureRequests` is set; cache anything (the key store
 * caches the result with its keys).
 */
import {
  FetchFailure,
  type FetchJsonOptions,
  fetchJson,
  urlProblem,
} from './internal/fetch-json.js';

/** The two well-known metadata URLs of an issuer, in the order they are tried. */
export interface MetadataUrls {
  /** OIDC Discovery §4.1: `{issuer without trailing /}/.well-known/openid-configuration`. */
  openid: string;
  /** RFC 8414 §3.1: the well-known segment inserted between host and path. */
  oauth: string;
}

/** The well-known URLs for `issuer` (an absolute URL without query or fragment). */
export function metadataUrls(issuer: string): MetadataUrls {
  const url = new URL(issuer);
  // Both specs: a terminating "/" of the issuer's path is removed before building the URL.
  const path = url.pathname.replace(/\/+$/, '');
  return {
    openid: `${url.origin}${path}/.well-known/openid-configuration`,
    oauth: `${url.origin}/.well-known/oauth-authorization-server${path}`,
  };
}

/** Discovered metadata: the fields Gatehouse uses. */
export interface IssuerMetadata {
  issuer: string;
  jwksUri: string;
  /** The document it came from. */
  metadataUrl: string;
}

/**
 * Fetches the issuer's metadata within `options.signal`'s budget and returns its `jwks_uri`.
 * Rejects with `FetchFailure` whose `detail` starts with `discovery:`.
 */
export async function discoverIssuer(
  issuer: string,
  options: FetchJsonOptions,
): Promise<IssuerMetadata> {
  const { document, metadataUrl } = await fetchIssuerMetadata(issuer, options);
  return { issuer, jwksUri: readJwksUri(document, options), metadataUrl };
}

/**
 * The issuer's metadata document, from OIDC Discovery or RFC 8414 as above, once its `issuer`
 * is checked; for members other than `jwks_uri` (`introspection_endpoint`). Rejects with
 * `FetchFailure` whose `detail` starts with `discovery:`.
 */
export async function fetchIssuerMetadata(
  issuer: string,
  options: FetchJsonOptions,
): Promise<{ document: Record<string, unknown>; metadataUrl: string }> {
  const urls = metadataUrls(issuer);
  let metadataUrl = urls.openid;
  let document: unknown;
  try {
    document = (await fetchJson(metadataUrl, options)).body;
  } catch (error) {
    const failure = asFailure(error);
    if (failure.status !== 404 && failure.status !== 410) throw prefixed(failure);
    metadataUrl = urls.oauth;
    try {
      document = (await fetchJson(metadataUrl, options)).body;
    } catch (fallbackError) {
      const fallback = asFailure(fallbackError);
      throw new FetchFailure(
        `discovery: ${fallback.detail} (after HTTP ${failure.status} for openid-configuration)`,
        fallback.status,
      );
    }
  }
  return { document: checkIssuer(document, issuer), metadataUrl };
}

function checkIssuer(document: unknown, issuer: string): Record<string, unknown> {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new FetchFailure('discovery: metadata is not a JSON object');
  }
  const metadata = document as Record<string, unknown>;
  // A mismatch is either a misconfiguration or an attempt to pass one issuer's keys off as
  // another's: no keys from this document are trusted.
  if (metadata['issuer'] !== issuer) {
    throw new FetchFailure(
      `discovery: issuer mismatch (metadata names ${describe(metadata['issuer'])})`,
    );
  }
  return metadata;
}

function readJwksUri(metadata: Record<string, unknown>, options: FetchJsonOptions): string {
  const jwksUri = metadata['jwks_uri'];
  if (typeof jwksUri !== 'string') throw new FetchFailure('discovery: metadata has no jwks_uri');
  const problem = urlProblem(jwksUri, options.allowInsecureRequests);
  if (problem !== undefined) throw new FetchFailure(`discovery: jwks_uri refused (${problem})`);
  return jwksUri;
}

function asFailure(error: unknown): FetchFailure {
  return error instanceof FetchFailure ? error : new FetchFailure('unexpected error');
}

function prefixed(failure: FetchFailure): FetchFailure {
  return new FetchFailure(`discovery: ${failure.detail}`, failure.status);
}

/** A bounded, quoted rendering of an untrusted value for an event detail. */
function describe(value: unknown): string {
  if (typeof value !== 'string') return `no string issuer (${typeof value})`;
  const shown = value.length > 100 ? `${value.slice(0, 100)}…` : value;
  return JSON.stringify(shown);
}
