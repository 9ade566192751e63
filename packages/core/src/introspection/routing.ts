/**
 * Which issuer's introspection endpoint sees which token. A JWT names its issuer (`iss`), so it
 * is verified locally and, when its issuer's `introspection.tokens` asks for JWTs, introspected
 * there. An opaque token names none: it goes to the one issuer that introspects opaque tokens,
 * or, with several, to the first whose `match` accepts it. Several such issuers without `match`
 * are refused at construction: guessing would send one authorization server's tokens (bearer
 * credentials) to another, which RFC 7662 §4 warns against and no user could see.
 */
import { GatehouseConfigError } from '../config-error.js';
import type { IssuerOption } from '../issuers.js';
import { type IntrospectionSettings, resolveIntrospection } from './options.js';

/** An issuer entry that introspects, with the audiences its tokens must name. */
export interface IntrospectingIssuer {
  settings: IntrospectionSettings;
  /** The entry's own `audience`, else undefined (the top-level one applies). */
  audience: string | string[] | undefined;
}

/**
 * The issuer entries with an `introspection` member, validated. Throws `GatehouseConfigError`
 * naming each bad option, and `issuer.N.introspection.match` when several issuers introspect
 * opaque tokens and one of them has no `match`.
 */
export function introspectingIssuers(
  option: IssuerOption | IssuerOption[],
  allowInsecureRequests: boolean,
): IntrospectingIssuer[] {
  const list = Array.isArray(option) ? option : [option];
  const found: (IntrospectingIssuer & { path: string })[] = [];
  list.forEach((entry, i) => {
    if (typeof entry === 'string' || !('issuer' in entry) || entry.introspection === undefined) {
      return;
    }
    const path = `${Array.isArray(option) ? `issuer.${i}` : 'issuer'}.introspection`;
    found.push({
      settings: resolveIntrospection(
        entry.introspection,
        entry.issuer,
        path,
        allowInsecureRequests,
      ),
      audience: entry.audience,
      path,
    });
  });
  const opaque = found.filter(({ settings }) => settings.tokens !== 'jwt');
  const unmatched = opaque.length > 1 ? opaque.filter(({ settings }) => !settings.match) : [];
  if (unmatched.length) {
    throw new GatehouseConfigError(
      unmatched.map(({ path }) => ({
        path: `${path}.match`,
        message:
          'is required when several issuers introspect opaque tokens: an opaque token names no ' +
          "issuer, and one authorization server's tokens are never sent to another",
      })),
    );
  }
  return found.map(({ settings, audience }) => ({ settings, audience }));
}

/** The issuer whose endpoint an opaque token goes to, or `undefined` when none claims it. */
export function routeOpaque<T extends { settings: IntrospectionSettings }>(
  token: string,
  candidates: readonly T[],
): T | undefined {
  return candidates.find(({ settings }) => {
    if (settings.match === undefined) return true;
    try {
      return settings.match(token) === true;
    } catch {
      return false;
    }
  });
}

/** JWS (3 segments) or JWE (5) whose protected header decodes to a JSON object. */
export function isJoseShaped(token: string): boolean {
  const dot = token.indexOf('.');
  const segments = token.split('.').length;
  if (dot <= 0 || (segments !== 3 && segments !== 5)) return false;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString());
    return typeof header === 'object' && header !== null && !Array.isArray(header);
  } catch {
    return false;
  }
}
