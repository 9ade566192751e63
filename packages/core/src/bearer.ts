import { GatehouseError, invalidRequest } from './errors.js';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; the scheme is case-insensitive (RFC 9110 §11.1).
const SCHEME = /^bearer(\s+|$)/i;
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The token of an `Authorization: Bearer` header (RFC 6750 §2.1).
 *
 * Node gives a header value as a string, or as an array when a framework keeps repeated
 * headers; both shapes are accepted.
 *
 * Throws `GatehouseError`:
 * - `unauthorized` / `missing_credentials` when there is no header or it uses another scheme
 *   (RFC 6750 §3.1: the answer then carries no error code);
 * - `invalid_request` / `malformed_header` for an empty or ill-formed token;
 * - `invalid_request` / `multiple_credentials` for more than one credential.
 *
 * Does not: read the query string or a form body (RFC 6750 §2.2–2.3 are off); decode the token.
 */
export function extractBearerToken(authorization: string | readonly string[] | undefined): string {
  if (Array.isArray(authorization)) {
    const present = authorization.filter((value) => value.trim() !== '');
    if (present.length > 1) throw multiple();
    return extractBearerToken(present[0]);
  }
  const value = (authorization as string | undefined)?.trim();
  if (!value) throw noCredentials();
  const scheme = SCHEME.exec(value);
  if (!scheme) throw noCredentials();
  const token = value.slice(scheme[0].length);
  if (token === '') throw invalidRequest('malformed_header', 'the Bearer token is empty');
  if (/[^ ]/.test(scheme[1] as string)) {
    throw invalidRequest('malformed_header', 'the Bearer scheme must be followed by spaces');
  }
  if (B64TOKEN.test(token)) return token;
  if (/,\s*bearer\s/i.test(token)) throw multiple();
  throw invalidRequest(
    'malformed_header',
    'the Bearer token has characters RFC 6750 does not allow',
  );
}

/**
 * The token of the usual spelling, `Bearer <token>`, unparsed: only for a cache lookup before
 * `extractBearerToken` (a cached token is a valid b64token by construction); else `undefined`.
 */
export function usualBearerToken(
  authorization: string | readonly string[] | undefined,
): string | undefined {
  return typeof authorization === 'string' && authorization.startsWith('Bearer ')
    ? authorization.slice(7)
    : undefined;
}

const noCredentials = () =>
  new GatehouseError('unauthorized', 'missing_credentials', 'a Bearer access token is required');

const multiple = () => invalidRequest('multiple_credentials', 'more than one credential was sent');

/**
 * The `Authorization` header value(s) of a Node.js request, from `rawHeaders`: a string, an
 * array when the header was repeated (so `extractBearerToken` can refuse it), or `undefined`.
 *
 * Node keeps only the first `Authorization` in `req.headers` and drops the rest silently;
 * `headersDistinct` keeps them but builds arrays for every header of every request.
 */
export function authorizationHeader(rawHeaders: readonly string[]): string | string[] | undefined {
  let found: string | string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i] as string;
    if (name.length !== 13 || name.toLowerCase() !== 'authorization') continue;
    const value = rawHeaders[i + 1] as string;
    found = found === undefined ? value : [...(Array.isArray(found) ? found : [found]), value];
  }
  return found;
}
