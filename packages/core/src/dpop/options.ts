/**
 * The `dpop` option of `createVerifier` (RFC 9449): its schema, defaults and resolved form.
 * Kept apart from `options.ts` so that everything DPoP-specific lives under `dpop/`.
 */
import { z } from 'zod';
import { type Duration, parseDurationSeconds } from '../duration.js';
import { createNonceIssuer, MIN_NONCE_SECRET_BYTES, type NonceIssuer } from './nonce.js';
import { DPOP_ALGORITHMS } from './proof-key.js';
import { createMemoryReplayStore, type ReplayStore } from './replay-store.js';

/** Defaults of the `dpop` option; durations in seconds, sizes in bytes. */
export const DPOP_DEFAULTS = Object.freeze({
  required: false,
  /** The banking platform's list; every one of them is asymmetric. */
  algorithms: Object.freeze(['ES256', 'ES256K', 'ES384', 'ES512', 'PS256', 'PS384']),
  maxAge: 60,
  nonceRotation: 300,
  replayStoreTimeout: 1,
  maxProofLength: 8192,
});

/**
 * `dpop: true` accepts DPoP (RFC 9449) next to Bearer with these defaults; an object tunes it.
 * Off by default.
 */
export interface DpopOptions {
  /** Refuse Bearer altogether: only `Authorization: DPoP` is accepted. Default false. */
  required?: boolean;
  /** Proof algorithms. Default ES256 ES256K ES384 ES512 PS256 PS384. */
  algorithms?: string[];
  /**
   * Server nonces (RFC 9449 §9): every proof must carry a nonce this API issued, given to the
   * client with a 401 `use_dpop_nonce` and a `DPoP-Nonce` header. Stateless: each instance
   * sharing `secret` (at least 32 bytes) issues and accepts the same nonces. A nonce lives one
   * to two `rotation` periods (default 5 min); a fresh one is sent on success once the client's
   * nonce is in its last period.
   */
  nonce?: { secret: string; rotation?: Duration };
  /** Where proof `jti`s are kept until their window passes. Default: in memory, 100 000 keys. */
  replayStore?: ReplayStore;
  /** Longest the replay store may take to answer; past it the request gets a 503. Default 1 s. */
  replayStoreTimeout?: Duration;
  /** Oldest proof accepted, by its `iat`. Default 60 s (plus the verifier's `clockTolerance`). */
  maxAge?: Duration;
  /**
   * The external origin clients address (`https://api.example.com`), used for the `htu` check
   * instead of the request's own scheme and `Host` — set it behind a proxy or load balancer.
   */
  origin?: string;
}

/** The `dpop` option after validation. */
export interface DpopSettings {
  required: boolean;
  algorithms: readonly string[];
  nonce: NonceIssuer | undefined;
  replayStore: ReplayStore;
  replayStoreTimeoutMs: number;
  maxAgeMs: number;
  clockToleranceMs: number;
  origin: string | undefined;
  maxProofLength: number;
}

const seconds = z
  .union([z.number(), z.string()])
  .refine((value) => parseDurationSeconds(value) !== undefined, {
    message: 'must be a non-negative number of seconds or a string such as "30s"',
  });
const positiveSeconds = seconds.refine((value) => (parseDurationSeconds(value) ?? 0) > 0, {
  message: 'must be greater than 0',
});

const origin = z.string().refine(
  (value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
    } catch {
      return false;
    }
  },
  { message: 'must be an origin such as "https://api.example.com" (no path, no trailing slash)' },
);

/**
 * Schema of the `dpop` option, for `createVerifier`'s options schema: `true` is read as `{}` and
 * `false` as absent, so that a bad member is reported by its own path (`dpop.nonce.secret`).
 */
export const dpopOptionSchema = z.preprocess(
  (value) => (value === true ? {} : value === false ? undefined : value),
  z
    .strictObject({
      required: z.boolean().optional(),
      algorithms: z
        .array(
          z.string().refine((alg) => DPOP_ALGORITHMS.includes(alg), {
            message: `must be one of ${DPOP_ALGORITHMS.join(', ')} (asymmetric only)`,
          }),
        )
        .min(1, 'must allow at least one algorithm')
        .optional(),
      nonce: z
        .strictObject({
          secret: z
            .string()
            .refine((value) => Buffer.byteLength(value, 'utf8') >= MIN_NONCE_SECRET_BYTES, {
              message: `must be at least ${MIN_NONCE_SECRET_BYTES} bytes`,
            }),
          rotation: positiveSeconds.optional(),
        })
        .optional(),
      replayStore: z
        .custom<ReplayStore>(
          (value) => typeof (value as { useOnce?: unknown } | null)?.useOnce === 'function',
          { message: 'must be a ReplayStore (an object with useOnce(key, expiresAtMs))' },
        )
        .optional(),
      replayStoreTimeout: positiveSeconds.optional(),
      maxAge: positiveSeconds.optional(),
      origin: origin.optional(),
    })
    .optional(),
);

const ms = (value: Duration | undefined, fallbackSeconds: number) =>
  (value === undefined ? fallbackSeconds : (parseDurationSeconds(value) as number)) * 1000;

/**
 * The settings of a validated `dpop` option, or `undefined` when DPoP is off. `clockToleranceMs`
 * is the verifier's: it applies to a proof's `iat` as to a token's.
 */
export function resolveDpopOptions(
  option: boolean | DpopOptions | undefined,
  clockToleranceMs: number,
): DpopSettings | undefined {
  if (option === undefined || option === false) return undefined;
  const options: DpopOptions = option === true ? {} : option;
  return {
    required: options.required ?? DPOP_DEFAULTS.required,
    algorithms: Object.freeze([...(options.algorithms ?? DPOP_DEFAULTS.algorithms)]),
    nonce:
      options.nonce === undefined
        ? undefined
        : createNonceIssuer(
            options.nonce.secret,
            ms(options.nonce.rotation, DPOP_DEFAULTS.nonceRotation),
          ),
    replayStore: options.replayStore ?? createMemoryReplayStore(),
    replayStoreTimeoutMs: ms(options.replayStoreTimeout, DPOP_DEFAULTS.replayStoreTimeout),
    maxAgeMs: ms(options.maxAge, DPOP_DEFAULTS.maxAge),
    clockToleranceMs,
    origin: options.origin,
    maxProofLength: DPOP_DEFAULTS.maxProofLength,
  };
}
