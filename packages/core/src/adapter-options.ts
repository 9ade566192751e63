/**
 * The options an adapter takes beside the verifier's (`optional`, `resolveUser`, `errors`,
 * `token`…, or an existing `verifier`): their types, their schema, and the split of one options
 * object into the adapter's part and the verifier's.
 */
import { z } from 'zod';
import { GatehouseConfigError } from './config-error.js';
import { parseOrThrow } from './option-schemas.js';
import type { VerifierOptions } from './options.js';
import { type TokenLocations, tokenLocationsSchema } from './token-locations.js';
import { type ResolveUser, type UserCacheOptions, userResolverSchema } from './users.js';
import type { Verifier } from './verifier.js';

/** Options every adapter adds to the verifier's. `Request` is the framework's request type. */
export interface AdapterOptions<User = unknown, Request = unknown> {
  /**
   * No Bearer credential (no `Authorization` header, or another scheme) → continue without
   * `auth`. A malformed or invalid Bearer credential is still refused. Default `false`.
   */
  optional?: boolean;
  /** Maps the token to your user; the result is `auth.user`. See `createUserResolver`. */
  resolveUser?: ResolveUser<User, Request>;
  /** Cache of `resolveUser` results by (issuer, sub). `false` turns it off. Default 1000 / 60 s. */
  userCache?: false | UserCacheOptions;
  /** `resolveUser` found no user: `'reject'` (default, 401 `invalid_token`) or `'continue'`. */
  unknownUser?: 'reject' | 'continue';
  /**
   * How refusals are answered. `'respond'` (default): the adapter writes `toHttpResponse` itself,
   * exactly the RFC 6750 answer. `'delegate'`: the adapter sets the headers of that answer
   * (`WWW-Authenticate`, `Cache-Control`, `Retry-After`) and hands the `GatehouseError` to the
   * framework's error handling (Express `next(err)`, Koa `throw`, Fastify `throw`), where your
   * handler sets the status (`err.status`) and a body of your own.
   */
  errors?: 'respond' | 'delegate';
  /**
   * Where else to look for the token: a cookie, another header, or RFC 6750 §2.3's
   * `access_token` query parameter (see `TokenLocations`). Off by default; credentials in two
   * places are 400 `invalid_request`.
   */
  token?: TokenLocations;
}

/**
 * Adapter options: the verifier's options, or an existing `verifier`, plus `AdapterOptions`.
 * Sharing one verifier between several handlers shares its token cache.
 */
export type AuthHandlerOptions<User = unknown, Request = unknown> = AdapterOptions<User, Request> &
  (VerifierOptions | { verifier: Verifier });

/** The option names that belong to the adapter layer and are split off before `createVerifier`. */
const ADAPTER_KEYS = [
  'optional',
  'resolveUser',
  'userCache',
  'unknownUser',
  'errors',
  'verifier',
  'token',
] as const;

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

/**
 * `createAuthHandler`'s input taken apart: the adapter's own options (validated) and, unless a
 * `Verifier` was given (itself or as `verifier`), the rest for `createVerifier`.
 *
 * Throws `GatehouseConfigError` for a bad adapter option, verifier options next to `verifier`,
 * or `userCache` / `unknownUser` without `resolveUser`.
 */
export function splitAdapterOptions(optionsOrVerifier: unknown): {
  adapter: z.infer<typeof adapterOptionsSchema>;
  verifier: Verifier | undefined;
  verifierOptions: VerifierOptions;
} {
  const input = optionsOrVerifier as Record<string, unknown> | null;
  const isVerifier = typeof input?.authenticate === 'function';
  const own: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  if (!isVerifier && input !== null && typeof input === 'object') {
    for (const [key, value] of Object.entries(input)) {
      ((ADAPTER_KEYS as readonly string[]).includes(key) ? own : rest)[key] = value;
    }
  }
  const adapter = parseOrThrow(adapterOptionsSchema, own);
  if (adapter.verifier !== undefined && Object.keys(rest).length > 0) {
    throw new GatehouseConfigError(
      Object.keys(rest).map((path) => ({
        path,
        message: 'cannot be combined with `verifier`: set it on the verifier',
      })),
    );
  }
  if (adapter.resolveUser === undefined) {
    const orphans = (['userCache', 'unknownUser'] as const).filter(
      (key) => adapter[key] !== undefined,
    );
    if (orphans.length) {
      throw new GatehouseConfigError(
        orphans.map((path) => ({ path, message: 'needs `resolveUser`' })),
      );
    }
  }
  return {
    adapter,
    verifier: isVerifier
      ? (optionsOrVerifier as Verifier)
      : (adapter.verifier as Verifier | undefined),
    verifierOptions: rest as unknown as VerifierOptions,
  };
}
