/**
 * Why a token's `iss` is not a configured issuer, when it nearly is: the operator-facing hint of
 * the `issuer_near_miss` event. Issuers are compared exactly (OIDC Discovery §4.3, RFC 8414
 * §3.3): one differing only by case, a trailing slash, the port, the scheme or a path segment is
 * another issuer and stays refused; this only says which configured one it resembles.
 *
 * Does not: return any part of the token's `iss` (it is untrusted input); look at inputs longer
 * than 2048 characters.
 */

/** How a refused issuer differs from the configured one it resembles. */
export type IssuerDifference = 'case' | 'trailing_slash' | 'port' | 'scheme' | 'path';

export interface NearMiss {
  /** The configured issuer (or template) it resembles. */
  configured: string;
  difference: IssuerDifference;
}

const MAX_LENGTH = 2048;

export function nearMiss(iss: string, configured: readonly string[]): NearMiss | undefined {
  if (iss.length > MAX_LENGTH) return undefined;
  const token = parse(iss);
  const found = (difference: IssuerDifference) =>
    configured
      .filter((candidate) => differs(iss, token, candidate) === difference)
      .map((candidate) => ({ configured: candidate, difference }))[0];
  // The most telling difference first.
  for (const difference of ['case', 'trailing_slash', 'port', 'scheme', 'path'] as const) {
    const miss = found(difference);
    if (miss !== undefined) return miss;
  }
  return undefined;
}

function differs(
  iss: string,
  token: URL | undefined,
  candidate: string,
): IssuerDifference | undefined {
  if (iss.toLowerCase() === candidate.toLowerCase()) return 'case';
  const trim = (value: string) => value.replace(/\/+$/, '');
  if (trim(iss) === trim(candidate)) return 'trailing_slash';
  const other = parse(candidate.replaceAll('{tenantid}', 'tenant'));
  if (token === undefined || other === undefined) return undefined;
  const path = (url: URL) => trim(url.pathname);
  if (token.hostname === other.hostname && path(token) === path(other)) {
    if (token.protocol !== other.protocol) return 'scheme';
    if (token.port !== other.port) return 'port';
  }
  if (token.origin === other.origin) return 'path';
  return undefined;
}

function parse(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
