import { readClaim } from './claim-path.js';
import type { AuthContext, JwtClaims } from './types.js';

/**
 * The roles a token carries, from the claims at `paths` (see `claim-path.ts`): an array of
 * strings (`roles`, `realm_access.roles`, `cognito:groups`, `groups`) or a space-separated
 * string, merged in order without duplicates.
 *
 * Does not: throw, or refuse a token, for a malformed role claim: an object, a number, a
 * boolean or a nested array is ignored, and so is every non-string member of an array (a role
 * claim only ever grants, so ignoring garbage can only deny).
 */
export function extractRoles(claims: JwtClaims, paths: readonly string[]): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    const value = readClaim(claims, path);
    if (typeof value === 'string') {
      for (const role of value.split(' ')) if (role) found.add(role);
    } else if (Array.isArray(value)) {
      for (const role of value) if (typeof role === 'string' && role) found.add(role);
    }
  }
  return [...found];
}

/** True when the token carries every one of `roles`. */
export function hasRoles(auth: Pick<AuthContext, 'roles'>, roles: readonly string[]): boolean {
  return roles.every((role) => auth.roles.includes(role));
}

/** True when the token carries at least one of `roles`. */
export function hasAnyRole(auth: Pick<AuthContext, 'roles'>, roles: readonly string[]): boolean {
  return roles.some((role) => auth.roles.includes(role));
}
