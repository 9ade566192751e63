/** The placeholder that makes an issuer path multi-tenant, as in Entra ID's `{tenantid}`. */
export const TENANT_PLACEHOLDER = '{tenantid}';

// Entra tenant ids are GUIDs or verified domain names; nothing else may stand for a tenant.
const TENANT_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** True when `tenant` can stand for `{tenantid}` in a URL path segment. */
export function isTenantId(tenant: unknown): tenant is string {
  return typeof tenant === 'string' && TENANT_SEGMENT.test(tenant);
}

/** Replaces `{tenantid}` in `template` by `tenant` (checked by the caller with `isTenantId`). */
export function forTenant(template: string, tenant: string): string {
  return template.replaceAll(TENANT_PLACEHOLDER, tenant);
}

/** A route matched by {@link RouteTable.match}: its name, and the tenant its path named. */
export interface RouteMatch<R> {
  route: R;
  tenant: string | undefined;
}

/**
 * Exact path routes, where a `{tenantid}` segment matches any one tenant id segment. Matching
 * splits on `/` and compares segment by segment: no regular expression is built from a path.
 */
export class RouteTable<R> {
  readonly #routes: { segments: string[]; route: R }[] = [];

  add(pathname: string, route: R): this {
    this.#routes.push({ segments: pathname.split('/'), route });
    return this;
  }

  /** The route of a request path (no query), or undefined. */
  match(pathname: string): RouteMatch<R> | undefined {
    const segments = pathname.split('/');
    for (const candidate of this.#routes) {
      if (candidate.segments.length !== segments.length) continue;
      let tenant: string | undefined;
      const matches = candidate.segments.every((expected, i) => {
        const actual = segments[i] as string;
        if (expected !== TENANT_PLACEHOLDER) return expected === actual;
        if (!isTenantId(actual)) return false;
        tenant = actual;
        return true;
      });
      if (matches) return { route: candidate.route, tenant };
    }
    return undefined;
  }
}
