/**
 * The comparable form of an HTTP URI for DPoP's `htu` check (RFC 9449 §4.3 step 9): scheme and
 * host lower-cased, default port dropped, dot segments removed, percent-encodings normalised
 * (RFC 3986 §6.2.2–6.2.3), query and fragment ignored.
 *
 * Does not: accept a scheme other than http(s), or user information (`user@host`), which no
 * request URL carries.
 */
export function normalizeHttpUri(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  // WHATWG parsing already lower-cases scheme and host, drops the default port, resolves dot
  // segments and gives an empty path as "/"; what is left is RFC 3986 §6.2.2.1–2.
  return `${url.protocol}//${url.host}${normalizePercentEncoding(url.pathname)}`;
}

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** Upper-case hex digits; decode octets that stand for unreserved characters (§6.2.2.2). */
function normalizePercentEncoding(path: string): string {
  return path.replace(/%[0-9A-Fa-f]{2}/g, (encoded) => {
    const char = String.fromCharCode(Number.parseInt(encoded.slice(1), 16));
    return UNRESERVED.test(char) ? char : encoded.toUpperCase();
  });
}
