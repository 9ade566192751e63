import fc from 'fast-check';

/**
 * Fuzz settings: seeded (a run is reproducible) and bounded (CI stays under a minute).
 * `FUZZ_RUNS=5000` runs each property longer; `FUZZ_SEED=…` replays a reported failure.
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const scale = Number(process.env.FUZZ_RUNS ?? 0);

/** fast-check parameters for a property whose CI budget is `ciRuns` runs. */
export function fuzzParameters<T>(ciRuns: number, examples: T[] = []): fc.Parameters<T> {
  return {
    seed: FUZZ_SEED,
    numRuns: scale > 0 ? scale : ciRuns,
    examples,
  };
}

/** Any string of byte values 0–255 (what a Node header value can hold), `min` to `max` long. */
export const byteString = (max: number, min = 0) =>
  fc.string({
    unit: fc.integer({ min: 0, max: 255 }).map((b) => String.fromCharCode(b)),
    minLength: min,
    maxLength: max,
  });

/** Base64url segments, canonical or not. */
export const base64urlText = (max: number) =>
  fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
    maxLength: max,
  });

export const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
