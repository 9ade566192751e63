import { invalidToken } from './errors.js';
import type { AuthContext, JwtClaims } from './types.js';

/**
 * The scopes a token grants: `scope` (RFC 9068 §2.2.3, space-separated string), `scp` (array or
 * space-separated string) and `permissions` (array), merged without duplicates.
 *
 * Scope values may be URLs (`https://api.banno.com/consumer/auth/offline_access`); they are split
 * on spaces only (RFC 6749 §3.3). A claim of the wrong shape is refused as `invalid_token`.
 */
export function extractScopes(claims: JwtClaims): string[] {
  const found: string[] = [];
  add(found, claims.scope, 'scope', false);
  add(found, claims.scp, 'scp', true);
  add(found, claims.permissions, 'permissions', true);
  return found.length > 1 ? [...new Set(found)] : found;
}

function add(into: string[], value: unknown, name: string, arrayAllowed: boolean): void {
  if (value === undefined) return;
  if (typeof value === 'string') {
    for (const scope of value.split(' ')) if (scope) into.push(scope);
    return;
  }
  if (arrayAllowed && Array.isArray(value) && value.every((s) => typeof s === 'string')) {
    into.push(...(value as string[]));
    return;
  }
  throw invalidToken(
    'invalid_claim',
    `the "${name}" claim is not ${arrayAllowed ? 'a string or an array of strings' : 'a string'}`,
  );
}

/** True when the token grants every one of `scopes`. */
export function hasScopes(auth: Pick<AuthContext, 'scopes'>, scopes: readonly string[]): boolean {
  return scopes.every((scope) => auth.scopes.includes(scope));
}

/** True when the token grants at least one of `scopes`. */
export function hasAnyScope(auth: Pick<AuthContext, 'scopes'>, scopes: readonly string[]): boolean {
  return scopes.some((scope) => auth.scopes.includes(scope));
}
