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
  isLoopbackHost,
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
}

/**
 * Fetches the issuer's metadata within `options.signal`'s budget and returns its `jwks_uri`.
 * Rejects with `FetchFailure` whose `detail` starts with `discovery:`.
 */
export async function discoverIssuer(
  issuer: string,
  options: FetchJsonOptions,
  policy: JwksUriPolicy = { sameOrigin: false },
): Promise<IssuerMetadata> {
  const urls = metadataUrls(issuer);
  let metadataUrl = urls.openid;
  let document: unknown;
  try {
    document = (await fetchJson(urls.openid, options)).body;
  } catch (error) {
    const failure = asFailure(error);
    if (failure.status !== 404 && failure.status !== 410) throw prefixed(failure);
    try {
      document = (await fetchJson(urls.oauth, options)).body;
    } catch (fallbackError) {
      const fallback = asFailure(fallbackError);
      throw new FetchFailure(
        `discovery: ${fallback.detail} (after HTTP ${failure.status} for openid-configuration)`,
        fallback.status,
        { url: fallback.url },
      );
    }
    metadataUrl = urls.oauth;
  }
  try {
    return { issuer, jwksUri: readJwksUri(document, issuer, options, policy) };
  } catch (error) {
    // Name the document that said it, for operators' logs.
    const failure = error as FetchFailure;
    throw new FetchFailure(failure.detail, failure.status, {
      url: metadataUrl,
      metadataIssuer: failure.metadataIssuer,
    });
  }
}

/** Where a discovered `jwks_uri` may point, beyond `urlProblem`'s scheme rule. */
export interface JwksUriPolicy {
  /** The `jwks_uri` must have the issuer's origin (scheme, host and port). */
  sameOrigin: boolean;
}

function readJwksUri(
  document: unknown,
  issuer: string,
  options: FetchJsonOptions,
  policy: JwksUriPolicy,
): string {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new FetchFailure('discovery: metadata is not a JSON object');
  }
  const metadata = document as Record<string, unknown>;
  // A mismatch is either a misconfiguration or an attempt to pass one issuer's keys off as
  // another's: no keys from this document are trusted.
  if (metadata['issuer'] !== issuer) {
    const named = metadata['issuer'];
    throw new FetchFailure(
      `discovery: issuer mismatch (metadata names ${describe(named)})`,
      undefined,
      typeof named === 'string' ? { metadataIssuer: bounded(named) } : {},
    );
  }
  const jwksUri = metadata['jwks_uri'];
  if (typeof jwksUri !== 'string') throw new FetchFailure('discovery: metadata has no jwks_uri');
  const problem =
    urlProblem(jwksUri, options.allowInsecureRequests) ?? jwksUriProblem(jwksUri, issuer, policy);
  if (problem !== undefined) throw new FetchFailure(`discovery: jwks_uri refused (${problem})`);
  return jwksUri;
}

/**
 * A metadata document is only as trustworthy as the issuer's web server: one that can be made to
 * name any `jwks_uri` would turn every verifier into a request forwarder towards the machine's
 * own services or the cloud metadata endpoint. So a loopback or link-local target is refused
 * unless the issuer itself is one (tests, sidecars), and `sameOrigin` pins the issuer's origin.
 * Host names are judged as written; what they resolve to is not checked.
 */
export function jwksUriProblem(
  jwksUri: string,
  issuer: string,
  policy: JwksUriPolicy,
): string | undefined {
  const target = new URL(jwksUri);
  const origin = new URL(issuer);
  if (policy.sameOrigin && target.origin !== origin.origin) {
    return `not on the issuer's origin ${origin.origin} (keyFetch.sameOrigin)`;
  }
  const local = localKind(target.hostname);
  if (local !== undefined && localKind(origin.hostname) !== local) {
    return `a ${local} host for an issuer that is not one`;
  }
  return undefined;
}

/** `loopback` or `link-local` for such IP literals and names, else `undefined`. */
function localKind(hostname: string): 'loopback' | 'link-local' | undefined {
  if (
    isLoopbackHost(hostname) ||
    /^(0\.0\.0\.0|\[::\]|\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\])$/.test(hostname)
  ) {
    return 'loopback';
  }
  if (
    /^(169\.254\.\d{1,3}\.\d{1,3}|\[fe[89ab][0-9a-f]:.*\]|\[::ffff:a9fe:[0-9a-f]{1,4}\])$/.test(
      hostname,
    )
  ) {
    return 'link-local';
  }
  return undefined;
}

function asFailure(error: unknown): FetchFailure {
  return error instanceof FetchFailure ? error : new FetchFailure('unexpected error');
}

function prefixed(failure: FetchFailure): FetchFailure {
  return new FetchFailure(`discovery: ${failure.detail}`, failure.status, { url: failure.url });
}

/** A bounded, quoted rendering of an untrusted value for an event detail. */
function describe(value: unknown): string {
  if (typeof value !== 'string') return `no string issuer (${typeof value})`;
  return JSON.stringify(bounded(value));
}

const bounded = (value: string) => (value.length > 100 ? `${value.slice(0, 100)}…` : value);
