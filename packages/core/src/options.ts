import { z } from 'zod';
import {
  ASYMMETRIC_ALGORITHMS,
  HMAC_ALGORITHMS,
  HMAC_MIN_SECRET_BYTES,
  isHmacAlgorithm,
  isSupportedAlgorithm,
} from './algorithms.js';
import { claimPathProblem } from './claim-path.js';
import type { ClaimRules } from './claims.js';
import { GatehouseConfigError } from './config-error.js';
import { DEFAULTS } from './defaults.js';
import {
  type DpopOptions,
  type DpopSettings,
  dpopOptionSchema,
  resolveDpopOptions,
} from './dpop/options.js';
import { type Duration, parseDurationSeconds } from './duration.js';
import type { ChallengeOptions } from './errors.js';
import { type FetchLike, urlProblem } from './internal/fetch-json.js';
import { describeIssue } from './internal/option-hints.js';
import {
  type IssuerOption,
  issuerOptionSchema,
  issuerProblems,
  type ResolvedIssuer,
  resolveIssuers,
} from './issuers.js';
import type { KeyFetchSettings } from './jwks.js';
import type { Logger } from './logging.js';
import { loggerSchema, telemetrySchema } from './observability-options.js';
import type { ResourceMetadata } from './resource-metadata.js';
import type { TelemetryOptions } from './telemetry.js';
import { normalizeTyp, type TypePolicy } from './token-kind.js';
import type { EventListener } from './types.js';

/** Options of `createVerifier`. Durations are seconds or strings such as `'30s'`. */
export interface VerifierOptions {
  /**
   * The trusted issuer, or several; each token's keys come from its own issuer only. An entry
   * may be `{ issuer, audience?, jwksUri?, algorithms? }` or a tenant template
   * `{ template: 'https://login.microsoftonline.com/{tenantid}/v2.0', tenants }` (see `issuers.ts`).
   */
  issuer: IssuerOption | IssuerOption[];
  /**
   * Audience(s) this API answers to; a token must name at least one. Required, here or in every
   * issuer entry.
   */
  audience?: string | string[];
  /** The claim (or claim path) holding the audience. Default `'aud'`; Cognito: `'client_id'`. */
  audienceClaim?: string;
  /**
   * Claim paths holding roles (`'roles'`, `'realm_access.roles'`, `'cognito:groups'`): arrays of
   * strings or space-separated strings, merged into `auth.roles`. Malformed values are ignored.
   */
  roles?: string | string[];
  /** Fetch keys from here instead of discovering `jwks_uri` (single issuer only). */
  jwksUri?: string;
  /** A fixed JWKS instead of fetching one (single issuer only). */
  keys?: { keys: Record<string, unknown>[] };
  /** Shared HMAC secret; then only HS* algorithms are accepted (single issuer only). */
  secret?: string | Uint8Array;
  /** Allowed `alg` values. Default: RS/PS/ES 256–512 and EdDSA; with `secret`: HS256. */
  algorithms?: string[];
  /** Leeway for `exp`, `nbf`, `iat`. Default 5 s. */
  clockTolerance?: Duration;
  /** Reject tokens whose `iat` is older than this (then `iat` is required). */
  maxTokenAge?: Duration;
  /** Longest token accepted, in bytes, checked before any decoding. Default 8192. */
  maxTokenLength?: number;
  /**
   * `typ` header policy (RFC 8725 §3.11, RFC 9068 §2.1). `'lenient'` (default): `at+jwt`,
   * `application/at+jwt`, `JWT` or absent. `'strict'`: `at+jwt` only. Or a list of accepted values.
   */
  typ?: 'lenient' | 'strict' | string[];
  /** Claims that must be present, beyond `iss`, `aud` and `exp`, which always are. */
  requiredClaims?: string[];
  /** Rules on claim values, checked after the signature: see `ClaimRules`. */
  claims?: ClaimRules;
  /** Verified-token cache: `false` turns it off. Default on, 10 000 entries. */
  cache?: false | { max?: number };
  /** Key retrieval tuning. */
  keyFetch?: {
    /** Total time for discovery plus JWKS fetch. Default 5 s. */
    timeout?: Duration;
    /** Least time between refetches caused by an unknown `kid`. Default 30 s. */
    cooldown?: Duration;
    /** Refresh keys after this long (or the JWKS `Cache-Control: max-age`, within bounds). Default 10 min. */
    maxAge?: Duration;
    /** Keep using the last good keys this long while the issuer is unreachable. Default 24 h. */
    maxStale?: Duration;
    /** Largest discovery or JWKS response. Default 512 KiB. */
    maxBytes?: number;
    /** Most keys taken from one JWKS. Default 100. */
    maxKeys?: number;
    /**
     * The `fetch` for discovery and keys, e.g. undici's with a `ProxyAgent` dispatcher, a
     * private CA or mTLS. Timeout, size cap, redirect refusal and Cache-Control still apply.
     */
    fetch?: FetchLike;
    /** Most tenant key stores of issuer templates kept (least recently used evicted). Default 100. */
    maxIssuers?: number;
    /** Most tenant key stores created per minute; beyond, 503 + Retry-After. Default 10. */
    newIssuersPerMinute?: number;
    /**
     * A discovered `jwks_uri` must be on the issuer's origin (true of Auth0, Okta, Entra ID,
     * Keycloak and Cognito; not of Google). Default false. Loopback and link-local targets are
     * refused for other issuers either way.
     */
    sameOrigin?: boolean;
  };
  /** Allow `http:` issuers and key URLs on non-loopback hosts. Default false. */
  allowInsecureRequests?: boolean;
  /** `realm` of the `WWW-Authenticate` challenge. */
  realm?: string;
  /**
   * RFC 9728 §5.1 `resource_metadata` of the challenge: its URL, or the document from
   * `createResourceMetadata` (its URL is used, and its `resource` must be one of `audience`, its
   * authorization servers among `issuer`).
   */
  resourceMetadata?: string | ResourceMetadata;
  /** Receives key-refresh and rejection events; never a token. Must not throw. */
  onEvent?: EventListener;
  /**
   * pino (or `console`): one line per misconfiguration or outage, naming the cause and the fix,
   * rate-limited per cause; per-request refusals at `debug`. See the README, "Logging".
   */
  logger?: Logger;
  /**
   * OpenTelemetry metrics and span attributes; needs the optional peer `@opentelemetry/api`.
   * `true`: the global providers. Default off (then it costs nothing). See "Metrics and traces".
   */
  telemetry?: boolean | TelemetryOptions;
  /**
   * DPoP (RFC 9449): `true` accepts `Authorization: DPoP` with a proof next to Bearer; an object
   * tunes it (`required`, `algorithms`, `nonce`, `replayStore`…, see `DpopOptions`). Off by default.
   */
  dpop?: boolean | DpopOptions;
}

/** Options after validation: durations in milliseconds, lists as sets. */
export interface ResolvedOptions extends TypePolicy {
  issuers: readonly ResolvedIssuer[];
  /** Every algorithm some issuer accepts: the precheck before the issuer is known. */
  algorithms: ReadonlySet<string>;
  audienceClaim: string;
  rolePaths: readonly string[];
  issuerLimits: { maxIssuers: number; newIssuersPerMinute: number };
  keys: { keys: Record<string, unknown>[] } | undefined;
  secret: Uint8Array | undefined;
  clockToleranceMs: number;
  maxTokenAgeMs: number | undefined;
  maxTokenLength: number;
  requiredClaims: readonly string[];
  claimRules: ClaimRules | undefined;
  /** The predicate rules of `claimRules`: re-run on every cache hit. */
  claimPredicates: ClaimRules | undefined;
  cacheMax: number;
  keyFetch: KeyFetchSettings;
  challenge: ChallengeOptions;
  onEvent: EventListener | undefined;
  logger: Logger | undefined;
  telemetry: TelemetryOptions | undefined;
  /** DPoP settings; `undefined` when DPoP is off. */
  dpop: DpopSettings | undefined;
}

const url = z.string().superRefine((value, ctx) => {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute URL' });
    return;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    ctx.addIssue({ code: 'custom', message: 'must be an https URL' });
  }
  if (parsed.search || parsed.hash) {
    ctx.addIssue({ code: 'custom', message: 'must not have a query or fragment' });
  }
});

/** A `Duration` option: seconds, or a string such as `'30s'`. */
export const duration = z
  .union([z.number(), z.string()])
  .refine((value) => parseDurationSeconds(value) !== undefined, {
    message: 'must be a non-negative number of seconds or a string such as "30s"',
  });

const positiveInt = z.number().int().positive();
const nonEmpty = z.string().min(1, 'must not be empty');

/** One `ClaimRule`; shared by the `claims` option and `requireClaims()`. */
export const claimRule = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.strictObject({
    includes: z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))]),
  }),
  z.custom<(value: unknown, claims: unknown) => boolean>((value) => typeof value === 'function', {
    message: 'must be a value, { includes }, or a predicate function',
  }),
]);

/** `ClaimRules`: the `claims` option and `requireClaims()`. */
export const claimRules = z.record(z.string(), claimRule);

const claimPath = z.string().superRefine((value, ctx) => {
  const problem = claimPathProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const issuerOption = issuerOptionSchema(url);

const schema = z.strictObject({
  issuer: z.union([issuerOption, z.array(issuerOption).min(1, 'must name at least one issuer')]),
  audience: z
    .union([nonEmpty, z.array(nonEmpty).min(1, 'must name at least one audience')])
    .optional(),
  audienceClaim: claimPath.optional(),
  roles: z.union([claimPath, z.array(claimPath).min(1, 'must name at least one claim')]).optional(),
  jwksUri: url.optional(),
  keys: z
    .object({
      keys: z.array(z.record(z.string(), z.unknown())).min(1, 'must hold at least one key'),
    })
    .optional(),
  secret: z.union([z.string(), z.instanceof(Uint8Array)]).optional(),
  algorithms: z.array(z.string()).min(1, 'must allow at least one algorithm').optional(),
  clockTolerance: duration.optional(),
  maxTokenAge: duration.optional(),
  maxTokenLength: positiveInt.max(1024 * 1024).optional(),
  typ: z.union([z.enum(['lenient', 'strict']), z.array(nonEmpty).min(1)]).optional(),
  requiredClaims: z.array(nonEmpty).optional(),
  claims: claimRules.optional(),
  cache: z.union([z.literal(false), z.strictObject({ max: positiveInt.optional() })]).optional(),
  keyFetch: z
    .strictObject({
      timeout: duration
        .refine((value) => (parseDurationSeconds(value) ?? 0) > 0, 'must be greater than 0')
        .optional(),
      cooldown: duration.optional(),
      maxAge: duration
        .refine((value) => (parseDurationSeconds(value) ?? 0) >= 1, 'must be at least 1 s')
        .optional(),
      maxStale: duration.optional(),
      maxBytes: positiveInt.optional(),
      maxKeys: positiveInt.optional(),
      sameOrigin: z.boolean().optional(),
      fetch: z
        .custom<FetchLike>((value) => typeof value === 'function', {
          message: 'must be a fetch function',
        })
        .optional(),
      maxIssuers: positiveInt.optional(),
      newIssuersPerMinute: positiveInt.optional(),
    })
    .optional(),
  allowInsecureRequests: z.boolean().optional(),
  realm: z.string().optional(),
  resourceMetadata: z
    .union([
      url,
      // Only what the challenge and the checks below read; resource-metadata.ts builds it.
      z.custom<ResourceMetadata>(
        (value) => {
          const document = value as Partial<ResourceMetadata> | null;
          return (
            typeof document?.url === 'string' &&
            typeof document.resource === 'string' &&
            Array.isArray(document.authorizationServers)
          );
        },
        { message: 'must be a URL or the result of createResourceMetadata()' },
      ),
    ])
    .optional(),
  onEvent: z
    .custom<EventListener>((value) => typeof value === 'function', {
      message: 'must be a function',
    })
    .optional(),
  logger: loggerSchema.optional(),
  telemetry: telemetrySchema.optional(),
  dpop: dpopOptionSchema.optional(),
});

type Issue = { path: string; message: string };

/** Milliseconds of a duration already validated by `duration`, or of the default in seconds. */
export const durationMs = (value: Duration | undefined, fallbackSeconds: number) =>
  (value === undefined ? fallbackSeconds : (parseDurationSeconds(value) as number)) * 1000;

/**
 * Parses with `schema`, or throws `GatehouseConfigError` naming each bad option by its path and
 * saying whether it is missing, of the wrong type or unknown (with the nearest known name).
 */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown, prefix?: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new GatehouseConfigError(
    parsed.error.issues.flatMap((issue) => describeIssue(schema, input, issue, prefix)),
  );
}

/**
 * Validates options once, at construction. Throws `GatehouseConfigError` naming every bad option.
 */
export function resolveOptions(input: VerifierOptions): ResolvedOptions {
  const options = parseOrThrow(schema, input);
  const issues: Issue[] = [];
  const insecure = options.allowInsecureRequests ?? false;
  const jwksProblem = options.jwksUri && urlProblem(options.jwksUri, insecure);
  if (jwksProblem) {
    issues.push({ path: 'jwksUri', message: `${jwksProblem} (or set allowInsecureRequests)` });
  }

  const sources = (['jwksUri', 'keys', 'secret'] as const).filter(
    (key) => options[key] !== undefined,
  );
  if (sources.length > 1) {
    issues.push({
      path: sources[1]!,
      message: `cannot be combined with ${sources[0]}: choose one key source`,
    });
  }
  issues.push(
    ...issuerProblems(options.issuer, {
      hasAudience: options.audience !== undefined,
      urlProblem: (value) => urlProblem(value, insecure),
      keySource: sources[0],
    }),
  );

  const secret =
    typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
  const algorithms = options.algorithms ?? (secret ? ['HS256'] : [...DEFAULTS.algorithms]);
  for (const [prefix, list] of algorithmLists(options.issuer, algorithms))
    list.forEach((alg, i) => {
      const path = `${prefix}.${i}`;
      if (alg.toLowerCase() === 'none')
        issues.push({ path, message: '"none" is never accepted (RFC 8725 §3.2)' });
      else if (!isSupportedAlgorithm(alg)) {
        issues.push({
          path,
          message: `unsupported algorithm "${alg}"; use one of ${[...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS].join(', ')}`,
        });
      } else if (isHmacAlgorithm(alg) !== (secret !== undefined)) {
        issues.push({
          path,
          message: secret
            ? `"${alg}" cannot be used with a shared secret: with \`secret\`, only HMAC algorithms are allowed`
            : `"${alg}" needs a shared \`secret\`; HMAC is never mixed with public-key algorithms (RFC 8725 §3.1)`,
        });
      } else if (
        secret &&
        secret.byteLength < HMAC_MIN_SECRET_BYTES[alg as keyof typeof HMAC_MIN_SECRET_BYTES]
      ) {
        issues.push({
          path: 'secret',
          message: `must be at least ${HMAC_MIN_SECRET_BYTES[alg as keyof typeof HMAC_MIN_SECRET_BYTES]} bytes for ${alg} (RFC 7518 §3.2)`,
        });
      }
    });

  if (options.maxTokenAge !== undefined && parseDurationSeconds(options.maxTokenAge) === 0) {
    issues.push({ path: 'maxTokenAge', message: 'must be greater than 0' });
  }
  if (issues.length) throw new GatehouseConfigError(issues);

  const typ = options.typ ?? DEFAULTS.typ;
  const types =
    typ === 'lenient' ? ['at+jwt', 'jwt'] : typ === 'strict' ? ['at+jwt'] : typ.map(normalizeTyp);
  const fetch = options.keyFetch ?? {};
  const audience = options.audience;
  const issuers = resolveIssuers(options.issuer, {
    audiences: audience === undefined ? undefined : new Set([audience].flat()),
    algorithms: new Set(algorithms),
    jwksUri: options.jwksUri,
  });
  const metadataIssues = resourceMetadataIssues(
    options.resourceMetadata,
    issuers.map((entry) => entry.issuer),
    options.audience,
  );
  if (metadataIssues.length) throw new GatehouseConfigError(metadataIssues);
  const clockToleranceMs = durationMs(options.clockTolerance, DEFAULTS.clockTolerance);
  const dpop = resolveDpopOptions(options.dpop as DpopOptions | undefined, clockToleranceMs);

  return {
    issuers,
    audienceClaim: options.audienceClaim ?? DEFAULTS.audienceClaim,
    rolePaths: options.roles === undefined ? [] : [options.roles].flat(),
    issuerLimits: {
      maxIssuers: fetch.maxIssuers ?? DEFAULTS.keyFetch.maxIssuers,
      newIssuersPerMinute: fetch.newIssuersPerMinute ?? DEFAULTS.keyFetch.newIssuersPerMinute,
    },
    keys: options.keys,
    secret,
    algorithms: new Set(issuers.flatMap((entry) => [...entry.algorithms])),
    clockToleranceMs,
    maxTokenAgeMs:
      options.maxTokenAge === undefined ? undefined : durationMs(options.maxTokenAge, 0),
    maxTokenLength: options.maxTokenLength ?? DEFAULTS.maxTokenLength,
    types: new Set(types),
    typRequired: typ !== 'lenient',
    requiredClaims: options.requiredClaims ?? [],
    claimRules: options.claims as ClaimRules | undefined,
    claimPredicates: predicatesOf(options.claims as ClaimRules | undefined),
    cacheMax: options.cache === false ? 0 : (options.cache?.max ?? DEFAULTS.cache.max),
    keyFetch: {
      timeoutMs: durationMs(fetch.timeout, DEFAULTS.keyFetch.timeout),
      cooldownMs: durationMs(fetch.cooldown, DEFAULTS.keyFetch.cooldown),
      maxAgeMs: durationMs(fetch.maxAge, DEFAULTS.keyFetch.maxAge),
      maxStaleMs: durationMs(fetch.maxStale, DEFAULTS.keyFetch.maxStale),
      maxBytes: fetch.maxBytes ?? DEFAULTS.keyFetch.maxBytes,
      maxKeys: fetch.maxKeys ?? DEFAULTS.keyFetch.maxKeys,
      allowInsecureRequests: insecure,
      sameOrigin: fetch.sameOrigin ?? false,
      fetch: fetch.fetch,
    },
    challenge: {
      ...(options.realm === undefined ? {} : { realm: options.realm }),
      ...(options.resourceMetadata === undefined
        ? {}
        : {
            resourceMetadata:
              typeof options.resourceMetadata === 'string'
                ? options.resourceMetadata
                : options.resourceMetadata.url,
          }),
      ...(dpop === undefined
        ? {}
        : { dpop: { algorithms: dpop.algorithms, bearer: !dpop.required } }),
    },
    onEvent: options.onEvent,
    logger: options.logger,
    telemetry: options.telemetry === false ? undefined : options.telemetry,
    dpop,
  };
}

/** A metadata document that would send clients for tokens this verifier refuses. */
function resourceMetadataIssues(
  metadata: string | ResourceMetadata | undefined,
  issuers: readonly string[],
  audience: string | string[] | undefined,
): Issue[] {
  if (metadata === undefined || typeof metadata === 'string') return [];
  const issues: Issue[] = [];
  const audiences = Array.isArray(audience) ? audience : [audience];
  if (!audiences.includes(metadata.resource)) {
    issues.push({ path: 'resourceMetadata.resource', message: 'must be one of `audience`' });
  }
  metadata.authorizationServers.forEach((server, i) => {
    if (!issuers.includes(server)) {
      issues.push({
        path: `resourceMetadata.authorizationServers.${i}`,
        message: 'must be one of `issuer`',
      });
    }
  });
  return issues;
}

function predicatesOf(rules: ClaimRules | undefined): ClaimRules | undefined {
  const predicates = Object.entries(rules ?? {}).filter(([, rule]) => typeof rule === 'function');
  return predicates.length === 0 ? undefined : Object.fromEntries(predicates);
}

/** The top-level `algorithms` and each issuer entry's own, with the option path of each. */
function algorithmLists(
  option: IssuerOption | IssuerOption[],
  algorithms: string[],
): (readonly [string, readonly string[]])[] {
  const entries = Array.isArray(option) ? option : [option];
  const lists: (readonly [string, readonly string[]])[] = [['algorithms', algorithms]];
  entries.forEach((entry, i) => {
    if (typeof entry === 'object' && entry.algorithms !== undefined) {
      const path = Array.isArray(option) ? `issuer.${i}.algorithms` : 'issuer.algorithms';
      lists.push([path, entry.algorithms]);
    }
  });
  return lists;
}
