import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { DEFAULTS } from './defaults.js';
import type { Duration } from './duration.js';
import { GatehouseError } from './errors.js';
import { duration, durationMs, parseOrThrow } from './option-schemas.js';
import type { AuthContext } from './types.js';

/**
 * Maps a verified token to a user of your application, e.g. by looking up `auth.subject`.
 * Return the user, or `null` / `undefined` for "no such user". A thrown error is passed on,
 * unchanged, to the framework's error handling.
 */
export type ResolveUser<User = unknown, Request = unknown> = (
  auth: AuthContext,
  request: Request,
) => Promise<User | null | undefined> | User | null | undefined;

/** Cache of `resolveUser` results, keyed by (issuer, subject) unless `key` says otherwise. */
export interface UserCacheOptions {
  /** Most users kept. Default 1000. */
  max?: number;
  /** How long a resolved user is reused, in seconds or as `'30s'`. Default 60 s. */
  ttl?: Duration;
  /**
   * What identifies a user for the cache: every claim your resolver's answer depends on. Default
   * (issuer, subject). When the same `sub` maps to different users by another claim — Auth0
   * Organizations' `org_id`, a tenant claim — include it, e.g.
   * `(auth) => auth.subject && `${auth.issuer} ${auth.subject} ${auth.claims.org_id}``.
   * `undefined` means "do not cache this one".
   */
  key?: (auth: AuthContext) => string | undefined;
}

export interface UserResolverOptions<User = unknown, Request = unknown> {
  resolveUser: ResolveUser<User, Request>;
  /** `false` calls `resolveUser` on every request. Default `{ max: 1000, ttl: 60 }`. */
  userCache?: false | UserCacheOptions;
  /**
   * What a `null` / `undefined` result means. `'reject'` (default): 401 `invalid_token`
   * (reason `unknown_subject`). `'continue'`: the request goes on with `auth.user` undefined.
   */
  unknownUser?: 'reject' | 'continue';
}

const fn = (what: string) =>
  z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', {
    message: `must be ${what}`,
  });

/** The `userCache` option. */
const userCacheSchema = z.union([
  z.literal(false),
  z.strictObject({
    max: z.number().int().positive().optional(),
    ttl: duration.optional(),
    key: fn('a function (auth) => string | undefined').optional(),
  }),
]);

/** `UserResolverOptions`; the adapters take the same keys beside the verifier's options. */
export const userResolverSchema = z.strictObject({
  resolveUser: fn('a function (auth, request) => user | null'),
  userCache: userCacheSchema.optional(),
  unknownUser: z.enum(['reject', 'continue']).optional(),
});

/**
 * Returns a copy of `auth` with `user` set; never changes `auth` itself. A cached user is given
 * at once, without a promise; anything else (a lookup, a refusal) is a promise.
 */
export type UserResolver<User = unknown, Request = unknown> = (
  auth: AuthContext,
  request: Request,
) => AuthContext<User> | Promise<AuthContext<User>>;

/**
 * Wraps `resolveUser` with a bounded TTL cache (lru-cache) and single-flight per (issuer, sub):
 * concurrent requests for one subject share one call.
 *
 * - Found users are cached; "no such user" is not, so a user created a moment ago is found on
 *   the next request.
 * - A token without `sub` (client credentials) still goes to `resolveUser` (with
 *   `auth.subject` undefined), so the application decides what a machine client may do; those
 *   results are not cached, having no key.
 * - With the cache on, every token with the same cache key — by default the same (issuer,
 *   subject) — reuses the result for `ttl`: the resolver's answer must depend on that key only,
 *   not on other claims or on `request` (the request that caused the lookup). Set
 *   `userCache.key` when it depends on more, e.g. an organisation claim.
 *
 * Throws `GatehouseConfigError` for invalid options. The returned function rejects with
 * `GatehouseError` invalid_token / `unknown_subject` (unless `unknownUser: 'continue'`), or with
 * whatever `resolveUser` threw, unchanged.
 *
 * Does not: cache negative results; wrap or rename the resolver's errors; mutate the
 * `AuthContext` it is given (verified contexts may be shared by the token cache).
 */
export function createUserResolver<User = unknown, Request = unknown>(
  options: UserResolverOptions<User, Request>,
): UserResolver<User, Request> {
  const settings = parseOrThrow(userResolverSchema, options);
  const resolveUser = options.resolveUser;
  const reject = (settings.unknownUser ?? DEFAULTS.unknownUser) === 'reject';
  const cacheOptions = settings.userCache ?? DEFAULTS.userCache;
  const cache =
    cacheOptions === false
      ? undefined
      : new LRUCache<string, { user: User }>({
          max: cacheOptions.max ?? DEFAULTS.userCache.max,
          ttl: Math.max(1, durationMs(cacheOptions.ttl, DEFAULTS.userCache.ttl)),
        });
  const keyOf =
    (options.userCache || undefined)?.key ??
    ((auth: AuthContext) =>
      auth.subject === undefined ? undefined : JSON.stringify([auth.issuer, auth.subject]));
  // Bounded by the number of requests in flight: each entry leaves when its call settles.
  const inFlight = new Map<string, Promise<User | undefined>>();

  const call = async (auth: AuthContext, request: Request): Promise<User | undefined> =>
    (await resolveUser(auth, request)) ?? undefined;

  const lookup = (auth: AuthContext, request: Request, key: string | undefined) => {
    if (!cache || key === undefined) return call(auth, request);
    let pending = inFlight.get(key);
    if (!pending) {
      pending = call(auth, request).then(
        (user) => {
          inFlight.delete(key);
          if (user !== undefined) cache.set(key, { user });
          return user;
        },
        (error: unknown) => {
          inFlight.delete(key);
          throw error;
        },
      );
      inFlight.set(key, pending);
    }
    return pending;
  };

  const resolveNow = async (auth: AuthContext, request: Request, key: string | undefined) => {
    const user = await lookup(auth, request, key);
    if (user === undefined && reject) {
      throw new GatehouseError(
        'invalid_token',
        'unknown_subject',
        'the token subject is not a known user',
        {
          scheme: auth.dpop === undefined ? 'Bearer' : 'DPoP',
        },
      );
    }
    return { ...auth, user };
  };

  return (auth, request) => {
    const key = cache ? keyOf(auth) : undefined;
    const hit = key === undefined ? undefined : cache?.get(key);
    return hit ? { ...auth, user: hit.user } : resolveNow(auth, request, key);
  };
}
