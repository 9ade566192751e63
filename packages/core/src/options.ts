import { z } from 'zod';
import {
  ASYMMETRIC_ALGORITHMS,
  HMAC_ALGORITHMS,
  HMAC_MIN_SECRET_BYTES,
  isHmacAlgorithm,
  isSupportedAlgorithm,
} from './algorithms.js';
import type { ClaimRules } from './claims.js';
import { GatehouseConfigError } from './config-error.js';
import { DEFAULTS } from './defaults.js';
import { type Duration, parseDurationSeconds } from './duration.js';
import type { ChallengeOptions } from './errors.js';
import { urlProblem } from './internal/fetch-json.js';
import { describeIssue } from './internal/option-hints.js';
import type { KeyFetchSettings } from './jwks.js';
import { normalizeTyp, type TypePolicy } from './token-kind.js';
import type { EventListener } from './types.js';

/** Options of `createVerifier`. Durations are seconds or strings such as `'30s'`. */
export interface VerifierOptions {
  /** The trusted issuer, or several; each token's keys come from its own issuer only. */
  issuer: string | string[];
  /** Audience(s) this API answers to; a token must name at least one. Required. */
  audience: string | string[];
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
  /** RFC 9728 `resource_metadata` URL for the challenge. */
  resourceMetadata?: string;
  /** Receives key-refresh and rejection events; never a token. Must not throw. */
  onEvent?: EventListener;
}

/** Options after validation: durations in milliseconds, lists as sets. */
export interface ResolvedOptions extends TypePolicy {
  issuers: readonly string[];
  audiences: ReadonlySet<string>;
  jwksUri: string | undefined;
  keys: { keys: Record<string, unknown>[] } | undefined;
  secret: Uint8Array | undefined;
  algorithms: ReadonlySet<string>;
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

const schema = z.strictObject({
  issuer: z.union([url, z.array(url).min(1, 'must name at least one issuer')]),
  audience: z.union([nonEmpty, z.array(nonEmpty).min(1, 'must name at least one audience')]),
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
    })
    .optional(),
  allowInsecureRequests: z.boolean().optional(),
  realm: z.string().optional(),
  resourceMetadata: url.optional(),
  onEvent: z
    .custom<EventListener>((value) => typeof value === 'function', {
      message: 'must be a function',
    })
    .optional(),
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
  const issuers = Array.isArray(options.issuer) ? options.issuer : [options.issuer];
  const insecure = options.allowInsecureRequests ?? false;

  for (const [path, value] of [
    ...issuers.map(
      (issuer, i) => [Array.isArray(options.issuer) ? `issuer.${i}` : 'issuer', issuer] as const,
    ),
    ['jwksUri', options.jwksUri] as const,
  ]) {
    const problem = value === undefined ? undefined : urlProblem(value, insecure);
    if (problem) issues.push({ path, message: `${problem} (or set allowInsecureRequests)` });
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
  if (sources.length && issuers.length > 1) {
    issues.push({
      path: sources[0]!,
      message: 'needs a single issuer (several issuers use discovery)',
    });
  }

  const secret =
    typeof options.secret === 'string' ? new TextEncoder().encode(options.secret) : options.secret;
  const algorithms = options.algorithms ?? (secret ? ['HS256'] : [...DEFAULTS.algorithms]);
  algorithms.forEach((alg, i) => {
    const path = `algorithms.${i}`;
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

  return {
    issuers,
    audiences: new Set(Array.isArray(options.audience) ? options.audience : [options.audience]),
    jwksUri: options.jwksUri,
    keys: options.keys,
    secret,
    algorithms: new Set(algorithms),
    clockToleranceMs: durationMs(options.clockTolerance, DEFAULTS.clockTolerance),
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
    },
    challenge: {
      ...(options.realm === undefined ? {} : { realm: options.realm }),
      ...(options.resourceMetadata === undefined
        ? {}
        : { resourceMetadata: options.resourceMetadata }),
    },
    onEvent: options.onEvent,
  };
}

function predicatesOf(rules: ClaimRules | undefined): ClaimRules | undefined {
  const predicates = Object.entries(rules ?? {}).filter(([, rule]) => typeof rule === 'function');
  return predicates.length === 0 ? undefined : Object.fromEntries(predicates);
}
