/**
 * The zod building blocks every options schema is made of (URLs, durations, claim rules) and
 * `parseOrThrow`, the one place a schema's failure becomes a `GatehouseConfigError` naming the
 * option. A leaf module: option files import it, it imports none of them.
 */
import { z } from 'zod';
import { claimPathProblem } from './claim-path.js';
import { GatehouseConfigError } from './config-error.js';
import { type Duration, parseDurationSeconds } from './duration.js';
import { describeIssue } from './internal/option-hints.js';

/** An absolute `http:`/`https:` URL without query or fragment (https is enforced later). */
export const url = z.string().superRefine((value, ctx) => {
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

/** Milliseconds of a duration already validated by `duration`, or of the default in seconds. */
export const durationMs = (value: Duration | undefined, fallbackSeconds: number) =>
  (value === undefined ? fallbackSeconds : (parseDurationSeconds(value) as number)) * 1000;

export const positiveInt = z.number().int().positive();
export const nonEmpty = z.string().min(1, 'must not be empty');

/** One `ClaimRule`; shared by the `claims` option and `requireClaims()`. */
const claimRule = z.union([
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

/** A claim name or dotted claim path (see `claim-path.ts`). */
export const claimPath = z.string().superRefine((value, ctx) => {
  const problem = claimPathProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** One problem with the options: the option's path and what is wrong with it. */
export type OptionIssue = { path: string; message: string };

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
