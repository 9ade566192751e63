import autocannon from 'autocannon';

/** What one autocannon run measured. */
export interface LoadResult {
  reqPerSec: number;
  p99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
}

/**
 * Runs autocannon against `url` in this process. One token: a fixed header (autocannon
 * pre-encodes the request). Several: each request takes the next token of the pool, from
 * `cursor` on, so a pool larger than any cache makes every request a cache miss.
 */
export async function load(
  url: string,
  tokens: readonly string[],
  options: { connections: number; seconds: number },
  cursor: { index: number } = { index: 0 },
): Promise<LoadResult> {
  // autocannon ends a run at the first sample tick after `duration`: for sub-second (smoke)
  // runs, one sample of exactly the run's length.
  const sampleInt = Math.min(1000, options.seconds * 1000);
  const common = { url, connections: options.connections, duration: options.seconds, sampleInt };
  // Goes on where the last load of this cursor stopped, so a server never sees a token again
  // before the whole pool has passed.
  let next = cursor.index % tokens.length;
  const result =
    tokens.length === 1
      ? await autocannon({ ...common, headers: { authorization: `Bearer ${tokens[0]}` } })
      : await autocannon({
          ...common,
          requests: [
            {
              method: 'GET',
              path: '/',
              setupRequest: (request) => {
                const token = tokens[next]!;
                if (++next === tokens.length) next = 0;
                return { ...request, headers: { authorization: `Bearer ${token}` } };
              },
            },
          ],
        });
  cursor.index = next;
  return {
    // requests.average is per sample.
    reqPerSec: (result.requests.average * 1000) / sampleInt,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
