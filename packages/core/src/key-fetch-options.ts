/** The `keyFetch` option of `createVerifier`: its type, its schema and its resolved settings. */
import { z } from 'zod';
import { DEFAULTS } from './defaults.js';
import { type Duration, parseDurationSeconds } from './duration.js';
import type { FetchLike } from './internal/fetch-json.js';
import type { KeyFetchSettings } from './jwks.js';
import { duration, durationMs, positiveInt } from './option-schemas.js';

/** Key retrieval tuning: the `keyFetch` option. Durations are seconds or strings such as `'30s'`. */
export interface KeyFetchOptions {
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
}

export const keyFetchSchema = z.strictObject({
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
});

/** How many tenant key stores issuer templates may hold, and create per minute. */
export interface IssuerLimits {
  maxIssuers: number;
  newIssuersPerMinute: number;
}

/** The validated `keyFetch` option with its defaults applied, durations in milliseconds. */
export function resolveKeyFetch(
  options: KeyFetchOptions = {},
  allowInsecureRequests: boolean,
): { keyFetch: KeyFetchSettings; issuerLimits: IssuerLimits } {
  return {
    keyFetch: {
      timeoutMs: durationMs(options.timeout, DEFAULTS.keyFetch.timeout),
      cooldownMs: durationMs(options.cooldown, DEFAULTS.keyFetch.cooldown),
      maxAgeMs: durationMs(options.maxAge, DEFAULTS.keyFetch.maxAge),
      maxStaleMs: durationMs(options.maxStale, DEFAULTS.keyFetch.maxStale),
      maxBytes: options.maxBytes ?? DEFAULTS.keyFetch.maxBytes,
      maxKeys: options.maxKeys ?? DEFAULTS.keyFetch.maxKeys,
      allowInsecureRequests,
      sameOrigin: options.sameOrigin ?? false,
      fetch: options.fetch,
    },
    issuerLimits: {
      maxIssuers: options.maxIssuers ?? DEFAULTS.keyFetch.maxIssuers,
      newIssuersPerMinute: options.newIssuersPerMinute ?? DEFAULTS.keyFetch.newIssuersPerMinute,
    },
  };
}
