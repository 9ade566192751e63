import { z } from 'zod';
import { authorizationHeader } from './bearer.js';

/**
 * Where else than the `Authorization` header an adapter looks for the access token (the `token`
 * adapter option). The `Authorization` header is always read (RFC 6750 §2.1: resource servers
 * MUST support it); each location given here is read too, and a request carrying credentials in
 * more than one place — or twice in one — is refused with 400 `invalid_request` (RFC 6750 §2).
 * Off by default.
 */
export interface TokenLocations {
  /** A cookie holding the bare token (e.g. `'access_token'`). An empty cookie counts as none. */
  cookie?: string;
  /**
   * A request header holding the token, bare or as `Bearer <token>` (e.g. `'x-access-token'`).
   * Not `authorization`, which is always read.
   */
  header?: string;
  /**
   * RFC 6750 §2.3: the `access_token` URI query parameter. The RFC says it SHOULD NOT be used:
   * URLs end up in logs, browser history and `Referer` headers. Only for clients that can do
   * nothing else (e.g. `EventSource`), with short-lived tokens.
   */
  query?: boolean;
}

// RFC 6265 §4.1.1 cookie-name and RFC 9110 §5.1 field-name are both RFC 9110 tokens.
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export const tokenLocationsSchema = z
  .strictObject({
    cookie: z.string().regex(HTTP_TOKEN, 'must be a cookie name').optional(),
    header: z
      .string()
      .regex(HTTP_TOKEN, 'must be a header name')
      .refine((name) => name.toLowerCase() !== 'authorization', {
        message: 'the Authorization header is always read; name another header',
      })
      .optional(),
    query: z.boolean().optional(),
  })
  .refine((locations) => Object.values(locations).some((value) => value), {
    message: 'needs at least one of cookie, header, query',
  });

/** The parts of a request credentials can come from: Node's (`rawHeaders`) or Fetch's (`Headers`). */
export type CredentialSource =
  | { rawHeaders: readonly string[]; url?: string | undefined }
  | { headers: FetchHeaders; url: string };

interface FetchHeaders {
  get(name: string): string | null;
}

/**
 * Every credential of `source` as `Authorization`-style values for `extractBearerToken`: the
 * `Authorization` header value(s), then one `Bearer <token>` per other location that has one.
 * Two or more values make `extractBearerToken` refuse the request (400 `multiple_credentials`).
 * With no `locations`, just the `Authorization` header, at the cost of reading it.
 *
 * Does not: read a form body (RFC 6750 §2.2: body parsing belongs to the framework);
 * URL-decode a cookie; accept a token in the path or fragment.
 */
export function credentialsOf(
  source: CredentialSource,
  locations: TokenLocations | undefined,
): string | string[] | undefined {
  // A Node request has `headers` too (a plain object): `rawHeaders` decides.
  const rawHeaders = 'rawHeaders' in source ? source.rawHeaders : undefined;
  const fetchHeaders =
    rawHeaders === undefined ? (source as { headers: FetchHeaders }).headers : undefined;
  const authorization = fetchHeaders
    ? (fetchHeaders.get('authorization') ?? undefined)
    : authorizationHeader(rawHeaders ?? []);
  if (locations === undefined) return authorization;

  const header = (name: string): string[] => {
    const value = fetchHeaders?.get(name);
    return fetchHeaders ? (value == null ? [] : [value]) : headerValues(rawHeaders ?? [], name);
  };
  const found: string[] = authorization === undefined ? [] : [authorization].flat();
  if (locations.header) {
    for (const value of header(locations.header)) {
      if (value.trim() !== '') found.push(/^bearer(\s|$)/i.test(value) ? value : `Bearer ${value}`);
    }
  }
  if (locations.cookie) {
    for (const value of cookieValues(header('cookie'), locations.cookie)) {
      if (value !== '') found.push(`Bearer ${value}`);
    }
  }
  if (locations.query && source.url !== undefined) {
    const query = new URL(source.url, 'http://localhost').searchParams;
    for (const value of query.getAll('access_token')) found.push(`Bearer ${value}`);
  }
  return found.length === 0 ? undefined : found.length === 1 ? found[0] : found;
}

/** The values of every `name` header line (case-insensitive) in Node's `rawHeaders`. */
function headerValues(rawHeaders: readonly string[], name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] as string).toLowerCase() === wanted)
      values.push(rawHeaders[i + 1] as string);
  }
  return values;
}

/** RFC 6265 §5.4 `Cookie` pairs named `name`, quotes around a value removed. */
function cookieValues(cookieHeaders: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (const line of cookieHeaders) {
    for (const pair of line.split(';')) {
      const separator = pair.indexOf('=');
      if (separator === -1 || pair.slice(0, separator).trim() !== name) continue;
      values.push(
        pair
          .slice(separator + 1)
          .trim()
          .replace(/^"(.*)"$/, '$1'),
      );
    }
  }
  return values;
}
