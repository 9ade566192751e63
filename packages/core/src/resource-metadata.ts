/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): the document a resource server publishes
 * about itself, so a client that only knows the API's URL can find who issues its tokens.
 *
 * Does not: sign the document (`signed_metadata`, §2.2); publish `jwks_uri` (the resource signs
 * nothing); accept a resource identifier with a query (§1.2 SHOULD NOT, and it would make the
 * well-known URL ambiguous); fetch anything.
 */
import { z } from 'zod';
import { GatehouseConfigError } from './config-error.js';
import { type Duration, parseDurationSeconds } from './duration.js';
import { urlProblem } from './internal/fetch-json.js';
import { parseOrThrow } from './option-schemas.js';

/** RFC 9728 §3: the registered well-known URI suffix. */
export const RESOURCE_METADATA_WELL_KNOWN = '/.well-known/oauth-protected-resource';

/** What `createResourceMetadata` needs. Durations are seconds or strings such as `'1h'`. */
export interface ResourceMetadataOptions {
  /**
   * §2 `resource`: this API's resource identifier, an `https` URL without query or fragment
   * (`http` for loopback hosts or with `allowInsecureRequests`). It must be the `audience` the
   * verifier accepts: a client asks for tokens for exactly this value (RFC 8707).
   */
  resource: string;
  /** §2 `authorization_servers`: issuer identifiers whose tokens this API accepts. */
  authorizationServers: string[];
  /** §2 `scopes_supported`: scopes a client may need here (RFC 6749 §3.3 scope-tokens). */
  scopesSupported?: string[];
  /**
   * §2 `bearer_methods_supported`. Default `['header']`: Gatehouse reads only the
   * `Authorization` header (RFC 6750 §2.1).
   */
  bearerMethodsSupported?: ('header' | 'body' | 'query')[];
  /**
   * §2 `resource_signing_alg_values_supported`: algorithms with which this API signs its
   * *responses* — not the token algorithms it accepts, so it is never derived from `algorithms`.
   */
  resourceSigningAlgValuesSupported?: string[];
  /**
   * §2 `dpop_signing_alg_values_supported`: the DPoP proof algorithms this API accepts (RFC 9449
   * §5.1) — give the verifier's `dpop.algorithms` (default `DPOP_DEFAULTS.algorithms`). Absent by
   * default: an API without `dpop` advertises no DPoP support.
   */
  dpopSigningAlgValuesSupported?: string[];
  /**
   * §2 `dpop_bound_access_tokens_required`: true when the verifier has `dpop: { required: true }`,
   * so clients learn before their first request that a Bearer token is no credential here.
   * Absent by default (which means false, §2).
   */
  dpopBoundAccessTokensRequired?: boolean;
  /** §2 `resource_name`: a human-readable name. */
  resourceName?: string;
  /** §2 `resource_documentation`: URL of human-readable documentation for developers. */
  resourceDocumentation?: string;
  /** §2 `resource_policy_uri`: URL of the data-use policy. */
  resourcePolicyUri?: string;
  /** §2 `resource_tos_uri`: URL of the terms of service. */
  resourceTosUri?: string;
  /** How long clients and caches may keep the document (`Cache-Control: max-age`). Default 1 h. */
  maxAge?: Duration;
  /** Allow an `http:` resource or authorization server on a non-loopback host. Default false. */
  allowInsecureRequests?: boolean;
}

/** A metadata document ready to serve; build it with `createResourceMetadata`. */
export interface ResourceMetadata {
  /** §2 `resource`, exactly as configured. */
  readonly resource: string;
  /** `authorization_servers`, for checks against the verifier's issuers. */
  readonly authorizationServers: readonly string[];
  /** The JSON document (§2), frozen. */
  readonly document: Readonly<Record<string, unknown>>;
  /**
   * §3.1 path of the document on the resource's origin: the well-known suffix, followed by the
   * resource's own path when it has one (`/mcp` → `/.well-known/oauth-protected-resource/mcp`).
   */
  readonly path: string;
  /** Absolute URL of the document: what challenges carry as `resource_metadata` (§5.1). */
  readonly url: string;
  /** The HTTP answer to `GET path` (§3.2): 200, JSON, cacheable; the same bytes every time. */
  readonly response: MetadataResponse;
}

/** A successful metadata answer, for an adapter to write as is. */
export interface MetadataResponse {
  status: 200;
  headers: Readonly<Record<string, string>>;
  body: string;
}

const DEFAULT_MAX_AGE = 3600;
// RFC 6749 §3.3 scope-token.
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

const absoluteUrl = z.string().refine((value) => URL.canParse(value), 'must be an absolute URL');
const schema = z.strictObject({
  resource: z.string(),
  authorizationServers: z.array(z.string()).min(1, 'must name at least one issuer'),
  scopesSupported: z
    .array(z.string().regex(SCOPE_TOKEN, 'must be a scope without spaces (RFC 6749 §3.3)'))
    .optional(),
  bearerMethodsSupported: z
    .array(z.enum(['header', 'body', 'query']))
    .min(1)
    .optional(),
  resourceSigningAlgValuesSupported: z
    .array(
      z
        .string()
        .min(1)
        .refine((alg) => alg !== 'none', '"none" MUST NOT be used (§2)'),
    )
    .min(1)
    .optional(),
  dpopSigningAlgValuesSupported: z
    .array(
      z
        .string()
        .min(1)
        .refine(
          (alg) => alg !== 'none' && !alg.startsWith('HS'),
          'must be asymmetric (RFC 9449 §4.2)',
        ),
    )
    .min(1)
    .optional(),
  dpopBoundAccessTokensRequired: z.boolean().optional(),
  resourceName: z.string().min(1).optional(),
  resourceDocumentation: absoluteUrl.optional(),
  resourcePolicyUri: absoluteUrl.optional(),
  resourceTosUri: absoluteUrl.optional(),
  maxAge: z
    .union([z.number(), z.string()])
    .refine((value) => parseDurationSeconds(value) !== undefined, 'must be a duration')
    .optional(),
  allowInsecureRequests: z.boolean().optional(),
});

/**
 * Builds the Protected Resource Metadata document (RFC 9728 §2) and where it is served (§3.1).
 * Options are validated now: a bad one throws `GatehouseConfigError` naming it.
 *
 * Pass the result to the verifier's `resourceMetadata` option, and every challenge then carries
 * `resource_metadata="<url>"` (§5.1); the verifier also checks that `resource` is one of its
 * audiences and every authorization server one of its issuers. Serve it with each adapter's
 * `protectedResourceMetadata(metadata)`.
 *
 * Does not: guess `resource` from a request's `Host` header (a client compares it with the URL
 * it called, §3.3, and a spoofable header must not decide it); list token algorithms as
 * `resource_signing_alg_values_supported`.
 */
export function createResourceMetadata(options: ResourceMetadataOptions): ResourceMetadata {
  const input = parseOrThrow(schema, options, 'createResourceMetadata()');
  const insecure = input.allowInsecureRequests ?? false;
  const issues = [
    ...urlIssues('resource', input.resource, insecure, true),
    ...input.authorizationServers.flatMap((server, i) =>
      urlIssues(`authorizationServers.${i}`, server, insecure, false),
    ),
  ];
  if (issues.length) throw new GatehouseConfigError(issues);

  const target = new URL(input.resource);
  // §3.1: a terminating slash right after the host is dropped; any other path is appended.
  const path = RESOURCE_METADATA_WELL_KNOWN + (target.pathname === '/' ? '' : target.pathname);
  const document = Object.freeze({
    resource: input.resource,
    authorization_servers: Object.freeze([...input.authorizationServers]),
    bearer_methods_supported: Object.freeze([...(input.bearerMethodsSupported ?? ['header'])]),
    ...optional('scopes_supported', input.scopesSupported),
    ...optional('resource_signing_alg_values_supported', input.resourceSigningAlgValuesSupported),
    ...optional('dpop_signing_alg_values_supported', input.dpopSigningAlgValuesSupported),
    ...optional('dpop_bound_access_tokens_required', input.dpopBoundAccessTokensRequired),
    ...optional('resource_name', input.resourceName),
    ...optional('resource_documentation', input.resourceDocumentation),
    ...optional('resource_policy_uri', input.resourcePolicyUri),
    ...optional('resource_tos_uri', input.resourceTosUri),
  });
  const maxAge = Math.floor(
    input.maxAge === undefined ? DEFAULT_MAX_AGE : (parseDurationSeconds(input.maxAge) as number),
  );
  return Object.freeze({
    resource: input.resource,
    authorizationServers: document.authorization_servers,
    document,
    path,
    url: target.origin + path,
    response: Object.freeze({
      status: 200 as const,
      headers: Object.freeze({
        'content-type': 'application/json',
        // Public by nature (§3): any cache may keep it, and a browser-based client on another
        // origin may read it.
        'cache-control': `public, max-age=${maxAge}`,
        'access-control-allow-origin': '*',
      }),
      body: JSON.stringify(document),
    }),
  });
}

/** True for what `createResourceMetadata` returns (also across duplicated package copies). */
export function isResourceMetadata(value: unknown): value is ResourceMetadata {
  const candidate = value as Partial<ResourceMetadata> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.url === 'string' &&
    typeof candidate.path === 'string' &&
    typeof candidate.resource === 'string' &&
    typeof candidate.response === 'object'
  );
}

/**
 * The answer to a request for `pathname` with `method`, or `undefined` when the request is not
 * for this document (the adapter then passes it on). `GET` and `HEAD` only (§3.1).
 */
export function answerMetadataRequest(
  metadata: ResourceMetadata,
  method: string,
  pathname: string,
): MetadataResponse | undefined {
  if (method !== 'GET' && method !== 'HEAD') return undefined;
  return pathname === metadata.path ? metadata.response : undefined;
}

/** `metadata` itself, or one built from options (adapters accept both). */
export function toResourceMetadata(
  metadataOrOptions: ResourceMetadata | ResourceMetadataOptions,
): ResourceMetadata {
  return isResourceMetadata(metadataOrOptions)
    ? metadataOrOptions
    : createResourceMetadata(metadataOrOptions);
}

function urlIssues(path: string, value: string, insecure: boolean, isResource: boolean) {
  const problem = urlProblem(value, insecure);
  if (problem) return [{ path, message: `${problem} (or set allowInsecureRequests)` }];
  const parsed = new URL(value);
  if (parsed.hash || value.includes('#')) return [{ path, message: 'must not have a fragment' }];
  if (isResource && parsed.search) {
    return [{ path, message: 'must not have a query (RFC 9728 §1.2)' }];
  }
  return [];
}

const optional = <T>(name: string, value: T | undefined) =>
  value === undefined ? {} : { [name]: Array.isArray(value) ? Object.freeze([...value]) : value };
