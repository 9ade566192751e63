/**
 * Claim paths: `roles`, `realm_access.roles`, `resource_access.orders-api.roles`,
 * `https://example.com/roles`. Providers nest claims (Keycloak) and put dots in claim names
 * (Auth0's namespaced claims), so a path is read like this, at each level:
 * 1. the whole remaining path as one member name, when the object has it;
 * 2. else the shortest prefix up to a dot that names an object member, then the rest inside
 *    it (and nothing else: no backtracking).
 *
 * Only own members of plain objects are read: arrays are not indexed, and `__proto__`,
 * `constructor` or any inherited member never resolve.
 *
 * Does not: build a regular expression or evaluate anything from a path; throw on any claims.
 */

/** The longest claim path accepted in options. */
export const MAX_CLAIM_PATH_LENGTH = 256;

/** Why `path` cannot name a claim, or undefined when it can (for option validation). */
export function claimPathProblem(path: string): string | undefined {
  if (path.length === 0) return 'must not be empty';
  if (path.length > MAX_CLAIM_PATH_LENGTH) {
    return `must be at most ${MAX_CLAIM_PATH_LENGTH} characters`;
  }
  if (path.startsWith('.') || path.endsWith('.') || path.includes('..')) {
    return 'must not start or end with "." or hold ".."';
  }
  return undefined;
}

/** The value at `path` in `claims`, or undefined. */
export function readClaim(claims: unknown, path: string): unknown {
  if (!isPlainObject(claims)) return undefined;
  if (Object.hasOwn(claims, path)) return claims[path];
  let dot = path.indexOf('.');
  while (dot !== -1) {
    const head = path.slice(0, dot);
    // No backtracking to a longer prefix: one answer per path, found in linear time.
    if (Object.hasOwn(claims, head) && isPlainObject(claims[head])) {
      return readClaim(claims[head], path.slice(dot + 1));
    }
    dot = path.indexOf('.', dot + 1);
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
