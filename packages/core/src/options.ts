import { z } from 'zod';
import { algorithmIssues } from './algorithm-options.js';
import {
  resolveChallenge,
  resourceMetadataIssues,
  resourceMetadataSchema,
} from './challenge-options.js';
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
import { urlProblem } from './internal/fetch-json.js';
import {
  type IssuerOption,
  issuerOptionSchema,
  issuerProblems,
  type ResolvedIssuer,
  resolveIssuers,
} from './issuers.js';
import type { KeyFetchSettings } from './jwks.js';
import {
  type IssuerLimits,
  type KeyFetchOptions,
  keyFetchSchema,
  resolveKeyFetch,
} from './key-fetch-options.js';
import { type Logger, loggerSchema, telemetrySchema } from './observability-options.js';
import {
  claimPath,
  claimRules,
  duration,
  durationMs,
  nonEmpty,
  type OptionIssue,
  parseOrThrow,
  positiveInt,
  url,
} from './option-schemas.js';
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
  /** Key retrieval tuning: timeouts, refresh, size limits, `fetch` (see `KeyFetchOptions`). */
  keyFetch?: KeyFetchOptions;
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
  issuerLimits: IssuerLimits;
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
  keyFetch: keyFetchSchema.optional(),
  allowInsecureRequests: z.boolean().optional(),
  realm: z.string().optional(),
  resourceMetadata: resourceMetadataSchema.optional(),
  onEvent: z
    .custom<EventListener>((value) => typeof value === 'function', {
      message: 'must be a function',
    })
    .optional(),
  logger: loggerSchema.optional(),
  telemetry: telemetrySchema.optional(),
  dpop: dpopOptionSchema.optional(),
});

/**
 * Validates options once, at construction. Throws `GatehouseConfigError` naming every bad option.
 */
export function resolveOptions(input: VerifierOptions): ResolvedOptions {
  const options = parseOrThrow(schema, input);
  const issues: OptionIssue[] = [];
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
  issues.push(...algorithmIssues(options.issuer, algorithms, secret));

  if (options.maxTokenAge !== undefined && parseDurationSeconds(options.maxTokenAge) === 0) {
    issues.push({ path: 'maxTokenAge', message: 'must be greater than 0' });
  }
  if (issues.length) throw new GatehouseConfigError(issues);

  const typ = options.typ ?? DEFAULTS.typ;
  const types =
    typ === 'lenient' ? ['at+jwt', 'jwt'] : typ === 'strict' ? ['at+jwt'] : typ.map(normalizeTyp);
  const audience = options.audience;
  const issuers = resolveIssuers(options.issuer, {
    audiences: audience === undefined ? undefined : new Set([audience].flat()),
    algorithms: new Set(algorithms),
    jwksUri: options.jwksUri,
  });
  const clockToleranceMs = durationMs(options.clockTolerance, DEFAULTS.clockTolerance);
  const dpop = resolveDpopOptions(options.dpop as DpopOptions | undefined, clockToleranceMs);
  const metadataIssues = resourceMetadataIssues(
    options.resourceMetadata,
    issuers.map((entry) => entry.issuer),
    options.audience,
    dpop,
  );
  if (metadataIssues.length) throw new GatehouseConfigError(metadataIssues);
  const { keyFetch, issuerLimits } = resolveKeyFetch(options.keyFetch, insecure);

  return {
    issuers,
    audienceClaim: options.audienceClaim ?? DEFAULTS.audienceClaim,
    rolePaths: options.roles === undefined ? [] : [options.roles].flat(),
    issuerLimits,
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
    keyFetch,
    challenge: resolveChallenge(options.realm, options.resourceMetadata, dpop),
    onEvent: options.onEvent,
    logger: options.logger,
    telemetry: options.telemetry === false ? undefined : options.telemetry,
    dpop,
  };
}

function predicatesOf(rules: ClaimRules | undefined): ClaimRules | undefined {
  const predicates = Object.entries(rules ?? {}).filter(([, rule]) => typeof rule === 'function');
  return predicates.length === 0 ? undefined : Object.fromEntries(predicates);
}
