export type { RedisClientLike, RedisStore, RedisStoreOptions } from './redis-store.js';
export { createRedisStore, REDIS_STORE_DEFAULTS } from './redis-store.js';
