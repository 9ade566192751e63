import { z } from 'zod';
import { duration } from './option-schemas.js';
import { tokenLocationsSchema } from './token-locations.js';

/** The option names that belong to the adapter layer and are split off before `createVerifier`. */
export const ADAPTER_KEYS = [
  'optional',
  'resolveUser',
  'userCache',
  'unknownUser',
  'errors',
  'verifier',
  'token',
] as const;

const fn = (what: string) =>
  z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', {
    message: `must be ${what}`,
  });

export const userCacheSchema = z.union([
  z.literal(false),
  z.strictObject({
    max: z.number().int().positive().optional(),
    ttl: duration.optional(),
    key: fn('a function (auth) => string | undefined').optional(),
  }),
]);

export const userResolverSchema = z.strictObject({
  resolveUser: fn('a function (auth, request) => user | null'),
  userCache: userCacheSchema.optional(),
  unknownUser: z.enum(['reject', 'continue']).optional(),
});

export const adapterOptionsSchema = userResolverSchema.partial().extend({
  optional: z.boolean().optional(),
  errors: z.enum(['respond', 'delegate']).optional(),
  token: tokenLocationsSchema.optional(),
  verifier: z
    .custom<object>(
      (value) => typeof (value as { authenticate?: unknown } | null)?.authenticate === 'function',
      {
        message: 'must be a Verifier from createVerifier()',
      },
    )
    .optional(),
});
