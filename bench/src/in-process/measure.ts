import type { VerifyContender } from './contenders.js';

/** Checks the clock only every BATCH calls so the clock does not dominate cheap calls. */
const BATCH = 32;

/**
 * Where a measurement stopped in its token pool. The next measurement of the same contender goes
 * on from there: restarting at 0 would replay tokens its cache may still hold, turning part of a
 * "distinct" workload into cache hits.
 */
export interface Cursor {
  index: number;
}

/**
 * Calls per second of wall time and per second of this process's CPU time (user + system, every
 * thread: WebCrypto's pool and the GC helpers count). CPU time is what a verifier costs the
 * machine, and it moves far less than wall time when other processes share the CPUs.
 */
export interface Rate {
  wall: number;
  cpu: number;
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Calls per second, each call awaited (or, for synchronous contenders, called) one at a time. */
export async function opsOneAtATime(
  contender: VerifyContender,
  tokens: readonly string[],
  durationMs: number,
  cursor: Cursor = { index: 0 },
): Promise<Rate> {
  const n = tokens.length;
  let index = cursor.index % n;
  let calls = 0;
  const cpuStart = cpuMicros();
  const start = performance.now();
  const end = start + durationMs;
  let now = start;
  while (now < end) {
    if (contender.async) {
      for (let k = 0; k < BATCH; k++) {
        await contender.verify(tokens[index]!);
        if (++index === n) index = 0;
      }
    } else {
      for (let k = 0; k < BATCH; k++) {
        contender.verify(tokens[index]!);
        if (++index === n) index = 0;
      }
    }
    calls += BATCH;
    now = performance.now();
  }
  cursor.index = index;
  return { wall: calls / ((now - start) / 1000), cpu: calls / ((cpuMicros() - cpuStart) / 1e6) };
}

/** Calls per second with `width` calls in flight (asynchronous contenders only). */
export async function opsInFlight(
  contender: VerifyContender,
  tokens: readonly string[],
  durationMs: number,
  width: number,
  cursor: Cursor = { index: 0 },
): Promise<Rate> {
  const n = tokens.length;
  let index = cursor.index % n;
  let calls = 0;
  const cpuStart = cpuMicros();
  const start = performance.now();
  const end = start + durationMs;
  const lane = async () => {
    while (performance.now() < end) {
      for (let k = 0; k < BATCH; k++) {
        const token = tokens[index]!;
        if (++index === n) index = 0;
        await contender.verify(token);
      }
      calls += BATCH;
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  cursor.index = index;
  return {
    wall: calls / ((performance.now() - start) / 1000),
    cpu: calls / ((cpuMicros() - cpuStart) / 1e6),
  };
}
