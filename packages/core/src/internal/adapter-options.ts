import { z } from 'zod';
import { type Duration, parseDurationSeconds } from '../duration.js';
import { GatehouseConfigError } from '../options.js';

/** Defaults of the options that only adapters take (the verifier's live in `DEFAULTS`). */
export const ADAPTER_DEFAULTS = Object.freeze({
  optional: false,
  unknownUser: 'reject' as const,
  errors: 'respond' as const,
  userCache: Object.freeze({ max: 1000, ttl: 60 }),
});

/** The option names that belong to the adapter layer and are split off before `createVerifier`. */
export const ADAPTER_KEYS = [
  'optional',
  'resolveUser',
  'userCache',
  'unknownUser',
  'errors',
  'verifier',
] as const;

const duration = z
  .union([z.number(), z.string()])
  .refine((value) => parseDurationSeconds(value) !== undefined, {
    message: 'must be a non-negative number of seconds or a string such as "30s"',
  });

const fn = (what: string) =>
  z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', {
    message: `must be ${what}`,
  });

export const userCacheSchema = z.union([
  z.literal(false),
  z.strictObject({ max: z.number().int().positive().optional(), ttl: duration.optional() }),
]);

export const userResolverSchema = z.strictObject({
  resolveUser: fn('a function (auth, request) => user | null'),
  userCache: userCacheSchema.optional(),
  unknownUser: z.enum(['reject', 'continue']).optional(),
});

export const adapterOptionsSchema = z.strictObject({
  optional: z.boolean().optional(),
  resolveUser: fn('a function (auth, request) => user | null').optional(),
  userCache: userCacheSchema.optional(),
  unknownUser: z.enum(['reject', 'continue']).optional(),
  errors: z.enum(['respond', 'delegate']).optional(),
  verifier: z
    .custom<object>(
      (value) => typeof (value as { authenticate?: unknown } | null)?.authenticate === 'function',
      {
        message: 'must be a Verifier from createVerifier()',
      },
    )
    .optional(),
});

/** Parses with `schema`, or throws `GatehouseConfigError` naming each bad option by its path. */
export function parseOrThrow<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new GatehouseConfigError(
    parsed.error.issues.map((issue) => ({
      path: issue.path.length ? issue.path.map(String).join('.') : '(options)',
      message:
        issue.code === 'unrecognized_keys'
          ? `unknown option(s) ${issue.keys.join(', ')}`
          : issue.message,
    })),
  );
}

/** Milliseconds of a duration already validated by the schema. */
export const durationMs = (value: Duration | undefined, fallbackSeconds: number): number =>
  (value === undefined ? fallbackSeconds : (parseDurationSeconds(value) as number)) * 1000;
