import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** What is kept of one introspection answer: never the token itself. */
export type IntrospectionRecord =
  | { active: false }
  | { active: true; claims: Readonly<Record<string, unknown>> };

/**
 * Where introspection results are kept between requests. The default is a bounded in-memory LRU;
 * a shared store (Redis) lets several instances share results. Keys are SHA-256 digests.
 * Implementations may be synchronous or return promises; a store that fails (throws or rejects)
 * is treated as a miss, never as a refusal or an acceptance.
 */
export interface IntrospectionStore {
  get(key: string): IntrospectionRecord | undefined | Promise<IntrospectionRecord | undefined>;
  /** Keep `record` for at most `ttlMs` milliseconds. */
  set(key: string, record: IntrospectionRecord, ttlMs: number): void | Promise<void>;
}

/** The default store: at most `max` entries, none older than `maxTtlMs` or its own `ttlMs`. */
export function createMemoryStore(max: number, maxTtlMs: number): IntrospectionStore {
  const entries = new LRUCache<string, IntrospectionRecord>({ max, ttl: maxTtlMs });
  return {
    get: (key) => entries.get(key),
    set: (key, record, ttlMs) => {
      entries.set(key, record, { ttl: Math.min(ttlMs, maxTtlMs) });
    },
  };
}

/** The cache key of `token` at `issuer`: a digest, so no store ever holds a usable token. */
export const storeKey = (issuer: string, token: string): string =>
  createHash('sha256').update(issuer).update('\n').update(token).digest('base64url');
