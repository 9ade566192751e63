import { createPrivateKey, type JsonWebKey, KeyObject } from 'node:crypto';
import { z } from 'zod';
import { GatehouseConfigError } from '../config-error.js';
import { type Duration, parseDurationSeconds } from '../duration.js';
import { urlProblem } from '../internal/fetch-json.js';
import { duration, durationMs, parseOrThrow } from '../option-schemas.js';
import { assertionAlgorithms } from './client-assertion.js';
import type { IntrospectionStore } from './store.js';

/**
 * Token introspection (RFC 7662) at one trusted issuer: the `introspection` member of an issuer
 * entry, `issuer: { issuer, introspection: { clientId, clientSecret } }`. Durations: seconds or
 * `'30s'`.
 */
export interface IntrospectionOptions {
  /**
   * The introspection endpoint. Default: `introspection_endpoint` from the issuer's metadata
   * (OIDC Discovery, then RFC 8414), fetched at the first token introspected.
   */
  endpoint?: string;
  /** This API's client id at the authorization server (RFC 7662 §2.1 requires client auth). */
  clientId: string;
  /** The client secret, for `client_secret_basic` and `client_secret_post`. */
  clientSecret?: string;
  /**
   * RFC 6749 §2.3.1 `'client_secret_basic'` (default) or `'client_secret_post'`, or RFC 7523
   * `'private_key_jwt'` (a signed assertion per call, `aud` = the issuer; needs `privateKey`).
   */
  clientAuth?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  /** `private_key_jwt`: the private key (a `KeyObject` or a private JWK; RSA, EC or Ed25519). */
  privateKey?: KeyObject | JsonWebKey;
  /** `private_key_jwt`: the assertion's `kid`. Default: the JWK's `kid`, if any. */
  keyId?: string;
  /** `private_key_jwt`: the signing algorithm. Default: RS256, PS256 (RSA-PSS), ES*, EdDSA. */
  algorithm?: string;
  /**
   * Which tokens go to this endpoint. `'opaque'` (default): tokens that are not JWTs; this
   * issuer's JWTs are verified locally only. `'jwt'`: this issuer's JWTs, verified locally and
   * then introspected, so a revoked JWT is refused (one call per token and cache TTL); no opaque
   * token. `'all'`: both.
   */
  tokens?: 'opaque' | 'jwt' | 'all';
  /**
   * Which opaque tokens are this issuer's (an opaque token names no issuer): `true` sends it
   * here. Required on every issuer that introspects opaque tokens when there are several, since
   * Gatehouse never sends one authorization server's token to another; optional with one (a
   * token it refuses is then 401 without a call). Must not throw; a throw counts as `false`.
   */
  match?: (token: string) => boolean;
  /**
   * `'json'` (default): RFC 7662 JSON answers. `'jwt'`: ask for RFC 9701 signed answers
   * (`Accept: application/token-introspection+jwt`) and accept nothing else: the JWT must be
   * signed by this issuer's keys (from its JWKS, like its access tokens), `typ`
   * `token-introspection+jwt`, `iss` = the issuer, `aud` = `clientId`, with `iat` and a
   * `token_introspection` object. A JSON, unsigned or wrongly typed answer is an outage (503).
   */
  response?: 'json' | 'jwt';
  /**
   * Circuit breaker: after `failures` failed calls in a row (default 5), requests needing the
   * endpoint are answered 503 at once for `cooldown` (default 30 s); then one probe call is let
   * through (half-open), and its success closes the breaker.
   */
  breaker?: { failures?: number; cooldown?: Duration };
  /**
   * Results cached per token (keyed by a SHA-256 digest, never the token) until the token's
   * `exp`, at most `maxTtl` (default 60 s; `active: false` at most 30 s), at most `max` entries
   * (default 10 000). `store` replaces the in-memory cache (e.g. Redis, for several instances).
   * `false`: every request asks the endpoint.
   */
  cache?: false | { max?: number; maxTtl?: Duration; store?: IntrospectionStore };
  /** Budget of one introspection call (and of discovery). Default 5 s. */
  timeout?: Duration;
  /** `Retry-After` (seconds) of the 503 answered while the endpoint fails. Default 5. */
  retryAfter?: number;
  /** Largest response accepted. Default 64 KiB. */
  maxBytes?: number;
}

/** Introspection options after validation; durations in milliseconds. */
export interface IntrospectionSettings {
  issuer: string;
  endpoint: string | undefined;
  clientId: string;
  clientSecret: string;
  clientAuth: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt';
  assertion: { key: KeyObject; alg: string; kid: string | undefined } | undefined;
  tokens: 'opaque' | 'jwt' | 'all';
  match: ((token: string) => boolean) | undefined;
  response: 'json' | 'jwt';
  breaker: { failures: number; cooldownMs: number };
  cache: false | { max: number; maxTtlMs: number; store: IntrospectionStore | undefined };
  timeoutMs: number;
  retryAfter: number;
  maxBytes: number;
  allowInsecureRequests: boolean;
}

export const INTROSPECTION_DEFAULTS = Object.freeze({
  clientAuth: 'client_secret_basic' as const,
  tokens: 'opaque' as const,
  response: 'json' as const,
  breaker: Object.freeze({ failures: 5, cooldown: 30 }),
  cache: Object.freeze({ max: 10_000, maxTtl: 60 }),
  negativeTtl: 30,
  timeout: 5,
  retryAfter: 5,
  maxBytes: 64 * 1024,
});

const store = z.custom<IntrospectionStore>(
  (value) =>
    typeof (value as IntrospectionStore | null)?.get === 'function' &&
    typeof (value as IntrospectionStore | null)?.set === 'function',
  { message: 'must have get(key) and set(key, record, ttlMs)' },
);

const positiveDuration = duration.refine(
  (value) => (parseDurationSeconds(value) ?? 0) > 0,
  'must be greater than 0',
);

const schema = z.strictObject({
  endpoint: z.string().optional(),
  clientId: z.string().min(1, 'must not be empty'),
  clientSecret: z.string().min(1, 'must not be empty').optional(),
  clientAuth: z.enum(['client_secret_basic', 'client_secret_post', 'private_key_jwt']).optional(),
  privateKey: z
    .custom<KeyObject | JsonWebKey>(
      (value) => value instanceof KeyObject || (typeof value === 'object' && value !== null),
      { message: 'must be a KeyObject or a private JWK' },
    )
    .optional(),
  keyId: z.string().min(1).optional(),
  algorithm: z.string().min(1).optional(),
  tokens: z.enum(['opaque', 'jwt', 'all']).optional(),
  match: z
    .custom<(token: string) => boolean>((value) => typeof value === 'function', {
      message: 'must be a function (token) => boolean',
    })
    .optional(),
  response: z.enum(['json', 'jwt']).optional(),
  breaker: z
    .strictObject({
      failures: z.number().int().positive().optional(),
      cooldown: positiveDuration.optional(),
    })
    .optional(),
  cache: z
    .union([
      z.literal(false),
      z.strictObject({
        max: z.number().int().positive().optional(),
        maxTtl: positiveDuration.optional(),
        store: store.optional(),
      }),
    ])
    .optional(),
  timeout: positiveDuration.optional(),
  retryAfter: z.number().int().positive().optional(),
  maxBytes: z.number().int().positive().optional(),
});

/**
 * Validates the `introspection` member of the issuer entry for `issuer`; `path` is that member's
 * option path (`issuer.1.introspection`). Throws `GatehouseConfigError` naming each bad option.
 */
export function resolveIntrospection(
  input: IntrospectionOptions,
  issuer: string,
  path: string,
  allowInsecureRequests: boolean,
): IntrospectionSettings {
  const options = parseOrThrow(schema, input, path);
  const issues: { path: string; message: string }[] = [];
  const problem =
    options.endpoint === undefined
      ? undefined
      : urlProblem(options.endpoint, allowInsecureRequests);
  if (problem) {
    issues.push({ path: `${path}.endpoint`, message: `${problem} (or set allowInsecureRequests)` });
  }
  const clientAuth = options.clientAuth ?? INTROSPECTION_DEFAULTS.clientAuth;
  const assertion = clientAuth === 'private_key_jwt' ? signerOf(options, path, issues) : undefined;
  if (clientAuth !== 'private_key_jwt' && options.clientSecret === undefined) {
    issues.push({ path: `${path}.clientSecret`, message: `is required for ${clientAuth}` });
  }
  if (issues.length) throw new GatehouseConfigError(issues);
  const breaker = options.breaker ?? {};
  const cache = options.cache;
  return {
    issuer,
    endpoint: options.endpoint,
    clientId: options.clientId,
    clientSecret: options.clientSecret ?? '',
    clientAuth,
    assertion,
    tokens: options.tokens ?? INTROSPECTION_DEFAULTS.tokens,
    match: options.match,
    response: options.response ?? INTROSPECTION_DEFAULTS.response,
    breaker: {
      failures: breaker.failures ?? INTROSPECTION_DEFAULTS.breaker.failures,
      cooldownMs: durationMs(breaker.cooldown, INTROSPECTION_DEFAULTS.breaker.cooldown),
    },
    cache:
      cache === false
        ? false
        : {
            max: cache?.max ?? INTROSPECTION_DEFAULTS.cache.max,
            maxTtlMs: durationMs(cache?.maxTtl, INTROSPECTION_DEFAULTS.cache.maxTtl),
            store: cache?.store,
          },
    timeoutMs: durationMs(options.timeout, INTROSPECTION_DEFAULTS.timeout),
    retryAfter: options.retryAfter ?? INTROSPECTION_DEFAULTS.retryAfter,
    maxBytes: options.maxBytes ?? INTROSPECTION_DEFAULTS.maxBytes,
    allowInsecureRequests,
  };
}

/** The key and algorithm of `private_key_jwt`, or issues naming what is wrong with them. */
function signerOf(
  options: Pick<IntrospectionOptions, 'privateKey' | 'keyId' | 'algorithm'>,
  path: string,
  issues: { path: string; message: string }[],
): IntrospectionSettings['assertion'] {
  if (options.privateKey === undefined) {
    issues.push({ path: `${path}.privateKey`, message: 'is required for private_key_jwt' });
    return undefined;
  }
  let key: KeyObject;
  try {
    key =
      options.privateKey instanceof KeyObject
        ? options.privateKey
        : createPrivateKey({ key: options.privateKey, format: 'jwk' });
  } catch {
    issues.push({ path: `${path}.privateKey`, message: 'is not a usable private key' });
    return undefined;
  }
  const allowed = key.type === 'private' ? assertionAlgorithms(key) : [];
  const alg = options.algorithm ?? allowed[0];
  if (alg === undefined || !allowed.includes(alg)) {
    issues.push({
      path: `${path}.${options.algorithm === undefined ? 'privateKey' : 'algorithm'}`,
      message: allowed.length
        ? `must be one of ${allowed.join(', ')} for this key`
        : 'must be an RSA, EC (P-256/384/521) or Ed25519 private key',
    });
    return undefined;
  }
  const jwkKid = options.privateKey instanceof KeyObject ? undefined : options.privateKey.kid;
  return { key, alg, kid: options.keyId ?? (typeof jwkKid === 'string' ? jwkKid : undefined) };
}
