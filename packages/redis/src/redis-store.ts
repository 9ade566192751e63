import {
  type Duration,
  type IntrospectionRecord,
  type IntrospectionStore,
  parseDurationSeconds,
  parseOrThrow,
  type ReplayStore,
} from '@gatehouse/core';
import { Redis, type RedisOptions } from 'ioredis';
import { z } from 'zod';

/** Defaults of `createRedisStore`; durations in seconds. */
export const REDIS_STORE_DEFAULTS = Object.freeze({
  prefix: 'gatehouse:',
  timeout: 0.5,
});

/** What the store needs of a client: ioredis's `set` and `get` (a `Redis` or a `Cluster`). */
export interface RedisClientLike {
  set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<'OK' | null>;
  set(key: string, value: string, px: 'PX', ms: number): Promise<'OK' | null>;
  get(key: string): Promise<string | null>;
}

/** Options of `createRedisStore`: a `url` (the store owns the connection) or your `client`. */
export type RedisStoreOptions = {
  /**
   * Prepended to every key, so that several APIs (or environments) can share one Redis.
   * Default `'gatehouse:'`.
   */
  prefix?: string;
  /**
   * Longest a command may take (seconds, or `'500ms'`); a slower answer is a failure, and
   * Gatehouse answers 503 rather than accept a proof it could not check. Default 0.5 s. Applies
   * to a connection the store opens (`url`); for your own `client`, set its `commandTimeout`.
   */
  timeout?: Duration;
} & (
  | {
      /** `redis://[user:pass@]host:port[/db]`, `rediss://…` (TLS), or a unix socket path. */
      url: string;
      /** Further ioredis options for the connection the store opens. */
      redisOptions?: RedisOptions;
    }
  | {
      /**
       * An ioredis `Redis` or `Cluster` of your own (you close it). Recommended settings:
       * `{ commandTimeout: 500, enableOfflineQueue: false, maxRetriesPerRequest: 0 }`, so an
       * outage fails fast instead of queueing requests.
       */
      client: RedisClientLike;
    }
);

/**
 * A `ReplayStore` (`dpop.replayStore`) and an `IntrospectionStore`
 * (`introspection.cache.store` of an issuer entry), kept in Redis.
 */
export interface RedisStore extends ReplayStore, IntrospectionStore {
  /** Resolves once the connection the store opened is ready (at once for your own `client`). */
  ready(): Promise<void>;
  /** Closes the connection the store opened; does nothing for your own `client`. */
  close(): Promise<void>;
}

const durationSchema = z
  .union([z.number(), z.string()])
  .refine((value) => (parseDurationSeconds(value) ?? 0) > 0, {
    message: 'must be a number of seconds greater than 0, or a string such as "500ms"',
  });

const schema = z
  .strictObject({
    url: z.string().min(1, 'must not be empty').optional(),
    redisOptions: z.record(z.string(), z.unknown()).optional(),
    client: z
      .custom<RedisClientLike>(
        (value) =>
          typeof (value as { set?: unknown } | null)?.set === 'function' &&
          typeof (value as { get?: unknown } | null)?.get === 'function',
        { message: 'must be an ioredis Redis or Cluster' },
      )
      .optional(),
    prefix: z.string().optional(),
    timeout: durationSchema.optional(),
  })
  .superRefine((options, ctx) => {
    if ((options.url === undefined) === (options.client === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'give either `url` or `client`' });
    }
    if (options.redisOptions !== undefined && options.client !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['redisOptions'],
        message: 'cannot be combined with `client`: configure your client instead',
      });
    }
  });

/**
 * Shared state for several instances of an API, in Redis: DPoP proof `jti`s (RFC 9449 §11.1)
 * with `SET key 1 PX ttl NX`, atomic across every instance (pass it as `dpop.replayStore`), and
 * token introspection answers (RFC 7662) under `<prefix>introspection:<SHA-256 digest>`, JSON,
 * expiring with the answer (pass it as `introspection.cache.store`: one call per token for all
 * instances). An introspection entry that is missing, unreadable or malformed is a miss (the
 * endpoint is asked), never an acceptance; a failing Redis is a miss too.
 *
 * Fails closed: when Redis is down, unreachable or slower than `timeout`, `useOnce` rejects at
 * once (no offline queue) and Gatehouse answers 503 for DPoP requests; Bearer requests are not
 * affected. The connection is re-established in the background (every 100 ms to 1 s).
 *
 * Does not: keep anything but expiring keys under `prefix`; retry a failed command (a retried
 * `SET NX` could report a first use as a replay); read the clock of Redis (expiries are
 * relative, so instance clocks need only agree within the proof window).
 */
export function createRedisStore(options: RedisStoreOptions): RedisStore {
  const parsed = parseOrThrow(schema, options);
  const prefix = parsed.prefix ?? REDIS_STORE_DEFAULTS.prefix;
  const timeoutMs =
    (parsed.timeout === undefined
      ? REDIS_STORE_DEFAULTS.timeout
      : (parseDurationSeconds(parsed.timeout) as number)) * 1000;
  const owned =
    parsed.url !== undefined
      ? new Redis(parsed.url, {
          commandTimeout: timeoutMs,
          connectTimeout: Math.max(timeoutMs, 1000),
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
          ...(parsed.redisOptions as RedisOptions | undefined),
        })
      : undefined;
  // Connection errors are answered per command (a rejected `useOnce`); without a listener,
  // ioredis would log each reconnection failure.
  owned?.on('error', () => {});
  const client = (owned ?? parsed.client) as RedisClientLike;

  return {
    async useOnce(key, expiresAtMs) {
      const ttl = Math.max(1, Math.ceil(expiresAtMs - Date.now()));
      return (await client.set(`${prefix}${key}`, '1', 'PX', ttl, 'NX')) === 'OK';
    },
    async get(key) {
      const value = await client.get(`${prefix}introspection:${key}`);
      return value === null ? undefined : parseRecord(value);
    },
    async set(key, record, ttlMs) {
      const ttl = Math.max(1, Math.floor(ttlMs));
      await client.set(`${prefix}introspection:${key}`, JSON.stringify(record), 'PX', ttl);
    },
    async ready() {
      if (owned === undefined || owned.status === 'ready') return;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error('Redis did not become ready in time')),
          Math.max(timeoutMs, 5000),
        );
        owned.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    async close() {
      if (owned === undefined || owned.status === 'end') return;
      await owned.quit().catch(() => owned.disconnect());
    },
  };
}

/** A stored introspection record, or `undefined` (a miss) for anything else. */
function parseRecord(value: string): IntrospectionRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  const record = parsed as { active?: unknown; claims?: unknown } | null;
  if (record?.active === false) return { active: false };
  const claims = record?.claims;
  if (record?.active !== true || typeof claims !== 'object' || claims === null) return undefined;
  if (Array.isArray(claims)) return undefined;
  return { active: true, claims: Object.freeze(claims as Record<string, unknown>) };
}
