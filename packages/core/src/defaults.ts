import { ASYMMETRIC_ALGORITHMS } from './algorithms.js';

/** Every default in one place; durations in seconds, sizes in bytes. */
export const DEFAULTS = Object.freeze({
  algorithms: ASYMMETRIC_ALGORITHMS as readonly string[],
  clockTolerance: 5,
  maxTokenLength: 8192,
  typ: 'lenient' as const,
  cache: Object.freeze({ max: 10_000 }),
  keyFetch: Object.freeze({
    timeout: 5,
    cooldown: 30,
    maxAge: 600,
    maxStale: 86_400,
    maxBytes: 512 * 1024,
    maxKeys: 100,
    maxIssuers: 100,
    newIssuersPerMinute: 10,
  }),
  audienceClaim: 'aud',
  // Adapter options (see `AdapterOptions` in adapter-options.ts).
  optional: false,
  unknownUser: 'reject' as const,
  errors: 'respond' as const,
  userCache: Object.freeze({ max: 1000, ttl: 60 }),
});
