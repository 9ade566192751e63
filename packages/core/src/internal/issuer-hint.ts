/**
 * Why two issuer identifiers that look alike are not equal, for operators' messages. Issuer
 * identifiers are compared character for character (OIDC Discovery §4.3, RFC 8414 §3.3,
 * RFC 9068 §4), so each of these differences alone makes every token fail.
 */
import { isLoopbackHost } from './fetch-json.js';

const PHRASES = {
  slash: 'a trailing slash',
  scheme: 'the scheme (http: vs https:)',
  host: 'the host name (localhost, 127.0.0.1 and [::1] reach the same machine but are different issuers)',
  port: 'the port',
  case: 'letter case',
} as const;

type Difference = keyof typeof PHRASES;

/**
 * A sentence naming the configured issuer that `actual` nearly equals and how they differ, or
 * `undefined` when none differs only by a trailing slash, scheme, loopback host alias, port or
 * letter case.
 */
export function issuerHint(actual: string, configured: readonly string[]): string | undefined {
  for (const candidate of configured) {
    const found = differences(actual, candidate);
    if (found !== undefined && found.length > 0) {
      const what = found.map((difference) => PHRASES[difference]).join(' and ');
      return `It differs from the configured "${candidate}" only in ${what}.`;
    }
  }
  return undefined;
}

function differences(a: string, b: string): Difference[] | undefined {
  if (a === b) return [];
  const trimmedA = a.replace(/\/+$/, '');
  const trimmedB = b.replace(/\/+$/, '');
  if (trimmedA === trimmedB) return ['slash'];
  if (a.toLowerCase() === b.toLowerCase()) return ['case'];
  let ua: URL;
  let ub: URL;
  try {
    ua = new URL(trimmedA);
    ub = new URL(trimmedB);
  } catch {
    return undefined;
  }
  if (ua.search !== ub.search || ua.hash !== ub.hash || ua.username !== ub.username) {
    return undefined;
  }
  const found: Difference[] = [];
  if ((trimmedA.length !== a.length) !== (trimmedB.length !== b.length)) found.push('slash');
  if (ua.protocol !== ub.protocol) found.push('scheme');
  if (ua.hostname !== ub.hostname) {
    if (!isLoopbackHost(ua.hostname) || !isLoopbackHost(ub.hostname)) return undefined;
    found.push('host');
  }
  if (ua.port !== ub.port) found.push('port');
  if (ua.pathname !== ub.pathname) {
    if (ua.pathname.toLowerCase() !== ub.pathname.toLowerCase()) return undefined;
    found.push('case');
  }
  return found;
}
