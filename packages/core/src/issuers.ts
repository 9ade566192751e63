/**
 * Which issuers a verifier trusts, and with which settings: plain issuer strings, per-issuer
 * entries (`{ issuer, audience?, jwksUri?, algorithms? }`) and tenant templates
 * (`{ template: 'https://login.microsoftonline.com/{tenantid}/v2.0', tenants }`).
 *
 * A template is matched by comparing the text before and after `{tenantid}` and checking what
 * lies between against a fixed tenant-id syntax: no regular expression is ever built from a
 * template or a token.
 */
import { z } from 'zod';
import { purposeOf } from './internal/option-hints.js';
import type { IntrospectionOptions } from './introspection/options.js';

/** The placeholder of an issuer template (Entra ID writes it so in its "common" metadata). */
export const TENANT_PLACEHOLDER = '{tenantid}';

/** One trusted issuer with its own settings; unset fields fall back to the top-level options. */
export interface IssuerEntry {
  /** The exact issuer identifier (`iss`), compared character for character. */
  issuer: string;
  /** Audience(s) for this issuer's tokens. Default: the top-level `audience`. */
  audience?: string | string[];
  /** This issuer's JWKS URL, skipping discovery. */
  jwksUri?: string;
  /** Algorithms accepted from this issuer. Default: the top-level `algorithms`. */
  algorithms?: string[];
  /** Token introspection (RFC 7662) at this issuer: opaque tokens, or its JWTs too. */
  introspection?: IntrospectionOptions;
}

/**
 * Many issuers of one form, one per tenant: Entra ID multi-tenant apps
 * (`https://login.microsoftonline.com/{tenantid}/v2.0`, v1 `https://sts.windows.net/{tenantid}/`).
 */
export interface IssuerTemplate {
  /** An issuer URL with `{tenantid}` once, as a whole path segment. */
  template: string;
  /** The tenants accepted: a list of ids, or a predicate that returns `true` to accept one. */
  tenants: readonly string[] | ((tenantId: string) => boolean);
  audience?: string | string[];
  /**
   * JWKS URL, skipping discovery. With `{tenantid}`, one key set per tenant; without, one key
   * set for every tenant of the template (Entra ID publishes the same keys for all tenants).
   * Default: discovery at each tenant's issuer.
   */
  jwksUri?: string;
  algorithms?: string[];
  /**
   * A claim that must equal the tenant named in `iss`; Microsoft requires `tid` to
   * (https://learn.microsoft.com/entra/identity-platform/access-tokens#validate-the-issuer).
   * Default `'tid'`; `false` checks none.
   */
  tenantClaim?: string | false;
}

/** What the `issuer` option takes: one of these, or a non-empty array of them. */
export type IssuerOption = string | IssuerEntry | IssuerTemplate;

// Entra tenant ids are GUIDs or verified domain names; nothing else may stand for a tenant.
const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** True when `value` has the syntax of a tenant id (GUID or domain name, ≤ 64 characters). */
export function isTenantId(value: string): boolean {
  return TENANT_ID.test(value);
}

/** A template split around its placeholder. */
export interface TemplateParts {
  prefix: string;
  suffix: string;
}

/** Splits a template, or says why it is not one (for option validation). */
export function splitTemplate(template: string): TemplateParts | string {
  const first = template.indexOf(TENANT_PLACEHOLDER);
  if (first === -1 || template.indexOf(TENANT_PLACEHOLDER, first + 1) !== -1) {
    return `must hold ${TENANT_PLACEHOLDER} exactly once`;
  }
  const prefix = template.slice(0, first);
  const suffix = template.slice(first + TENANT_PLACEHOLDER.length);
  let url: URL;
  try {
    url = new URL(`${prefix}tenant${suffix}`);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.search || url.hash) return 'must not have a query or fragment';
  if (!prefix.endsWith('/') || !(suffix === '' || suffix.startsWith('/'))) {
    return `must hold ${TENANT_PLACEHOLDER} as a whole path segment`;
  }
  if (new URL(`${prefix}tenant`).origin !== url.origin || prefix.indexOf('/', 8) === -1) {
    return `must hold ${TENANT_PLACEHOLDER} in the path`;
  }
  return { prefix, suffix };
}

/** `template` with its placeholder replaced by `tenant` (a checked tenant id). */
export function forTenant(template: string, tenant: string): string {
  return template.split(TENANT_PLACEHOLDER).join(tenant);
}

/** The tenant `issuer` names under `parts`, or undefined when it does not fit the template. */
export function tenantOf(issuer: string, parts: TemplateParts): string | undefined {
  const { prefix, suffix } = parts;
  if (issuer.length <= prefix.length + suffix.length) return undefined;
  if (!issuer.startsWith(prefix) || !issuer.endsWith(suffix)) return undefined;
  const tenant = issuer.slice(prefix.length, issuer.length - suffix.length);
  return isTenantId(tenant) ? tenant : undefined;
}

const audienceSchema = z.union([
  z.string().min(1, 'must not be empty'),
  z.array(z.string().min(1, 'must not be empty')).min(1, 'must name at least one audience'),
]);
const algorithmsSchema = z.array(z.string()).min(1, 'must allow at least one algorithm');

/** zod schema of one `issuer` option value; `url` is the options' URL schema. */
export function issuerOptionSchema(url: z.ZodType<string>) {
  const template = z.string().superRefine((value, ctx) => {
    const parts = splitTemplate(value);
    if (typeof parts === 'string') ctx.addIssue({ code: 'custom', message: parts });
  });
  return z.union([
    url,
    z.strictObject({
      issuer: url,
      audience: audienceSchema.optional(),
      jwksUri: url.optional(),
      algorithms: algorithmsSchema.optional(),
      // Checked member by member by introspection/options.ts, with this path.
      introspection: z
        .custom<IntrospectionOptions>((value) => typeof value === 'object' && value !== null, {
          message: 'must be an object: { clientId, clientSecret, … }',
        })
        .optional(),
    }),
    z.strictObject({
      template,
      tenants: z.union([
        z.array(z.string().refine(isTenantId, 'must be a tenant id (a GUID or a domain name)')),
        z.custom<(tenantId: string) => boolean>((value) => typeof value === 'function', {
          message: 'must be a list of tenant ids or a function',
        }),
      ]),
      audience: audienceSchema.optional(),
      jwksUri: z
        .string()
        .refine(
          (value) =>
            !value.includes(TENANT_PLACEHOLDER) || typeof splitTemplate(value) !== 'string',
          `must hold ${TENANT_PLACEHOLDER} at most once, as a whole path segment`,
        )
        .optional(),
      algorithms: algorithmsSchema.optional(),
      tenantClaim: z.union([z.string().min(1), z.literal(false)]).optional(),
    }),
  ]);
}

/** An issuer entry after validation, with defaults applied. */
export interface ResolvedIssuer {
  kind: 'exact' | 'template';
  /** The issuer, or the template. */
  issuer: string;
  parts: TemplateParts | undefined;
  accepts: ((tenantId: string) => boolean) | undefined;
  tenantClaim: string | undefined;
  audiences: ReadonlySet<string>;
  algorithms: ReadonlySet<string>;
  jwksUri: string | undefined;
}

/** Top-level settings an entry falls back to. */
export interface IssuerDefaults {
  audiences: ReadonlySet<string> | undefined;
  algorithms: ReadonlySet<string>;
  jwksUri: string | undefined;
}

/**
 * Applies the top-level defaults to every entry. Throws nothing: validation (zod, then
 * `issuerProblems`) has run.
 */
export function resolveIssuers(
  option: IssuerOption | IssuerOption[],
  defaults: IssuerDefaults,
): ResolvedIssuer[] {
  const list = Array.isArray(option) ? option : [option];
  return list.map((entry): ResolvedIssuer => {
    if (typeof entry === 'string') entry = { issuer: entry };
    const audiences = entry.audience === undefined ? defaults.audiences : toSet(entry.audience);
    const algorithms =
      entry.algorithms === undefined ? defaults.algorithms : new Set(entry.algorithms);
    const common = {
      audiences: audiences ?? new Set<string>(),
      algorithms,
      jwksUri: entry.jwksUri ?? defaults.jwksUri,
    };
    if ('issuer' in entry) {
      return {
        kind: 'exact',
        issuer: entry.issuer,
        parts: undefined,
        accepts: undefined,
        tenantClaim: undefined,
        ...common,
      };
    }
    const parts = splitTemplate(entry.template) as TemplateParts;
    const tenants = entry.tenants;
    const accepts =
      typeof tenants === 'function'
        ? guardPredicate(tenants)
        : (
            (set: ReadonlySet<string>) => (tenant: string) =>
              set.has(tenant)
          )(new Set(tenants));
    return {
      kind: 'template',
      issuer: entry.template,
      parts,
      accepts,
      tenantClaim: entry.tenantClaim === false ? undefined : (entry.tenantClaim ?? 'tid'),
      ...common,
    };
  });
}

/** What `issuerProblems` needs to know of the other options. */
export interface IssuerContext {
  hasAudience: boolean;
  /** `urlProblem` of fetch-json, with `allowInsecureRequests` applied. */
  urlProblem(url: string): string | undefined;
  /** The top-level key source (`jwksUri`, `keys`, `secret`), if any. */
  keySource: string | undefined;
}

/**
 * Entry-level problems zod cannot see: URLs a key fetch would refuse, an entry without an
 * audience from anywhere, a top-level key source with several issuers or a template.
 */
export function issuerProblems(
  option: IssuerOption | IssuerOption[],
  context: IssuerContext,
): { path: string; message: string }[] {
  const list = Array.isArray(option) ? option : [option];
  const at = (i: number, field?: string) =>
    [Array.isArray(option) ? `issuer.${i}` : 'issuer', ...(field ? [field] : [])].join('.');
  const problems: { path: string; message: string }[] = [];
  const checkUrl = (path: string, url: string) => {
    const problem = context.urlProblem(url);
    if (problem) problems.push({ path, message: `${problem} (or set allowInsecureRequests)` });
  };
  list.forEach((entry, i) => {
    const sample = (url: string) => forTenant(url, 'tenant');
    if (typeof entry === 'string') checkUrl(at(i), entry);
    else if ('issuer' in entry) checkUrl(at(i, 'issuer'), entry.issuer);
    else checkUrl(at(i, 'template'), sample(entry.template));
    if (typeof entry !== 'string' && entry.jwksUri !== undefined) {
      checkUrl(at(i, 'jwksUri'), sample(entry.jwksUri));
    }
    if (!context.hasAudience && (typeof entry === 'string' || entry.audience === undefined)) {
      problems.push({
        path: Array.isArray(option) || typeof entry !== 'string' ? at(i, 'audience') : 'audience',
        message: `is required: ${purposeOf('audience')} (top level, or in each issuer entry)`,
      });
    }
  });
  const single = list.length === 1 && (typeof list[0] === 'string' || 'issuer' in list[0]!);
  if (context.keySource !== undefined && !single) {
    problems.push({
      path: context.keySource,
      message: 'needs a single issuer (several issuers and templates use discovery)',
    });
  }
  return problems;
}

const toSet = (value: string | string[]) => new Set(Array.isArray(value) ? value : [value]);

/** Only `true` accepts; a throwing predicate refuses. */
function guardPredicate(predicate: (tenantId: string) => boolean) {
  return (tenant: string) => {
    try {
      return predicate(tenant) === true;
    } catch {
      return false;
    }
  };
}
