/** How an HTTP measurement placed the server and load processes on the CPUs. */
export type Placement = 'unpinned' | 'pinned';

/** One token over and over, or a pool of distinct tokens larger than any cache. */
export type Workload = 'repeated' | 'distinct';

/** How long and how big each part of the run is; `--smoke` shrinks everything to seconds. */
export interface BenchConfig {
  smoke: boolean;
  /** HTTP: interleaved rounds per measurement; the median is reported. */
  rounds: number;
  /**
   * In-process and growth: interleaved rounds. Many short rounds rather than a few long ones:
   * this VM's speed drifts over seconds, and short interleaved slices spread a drift over every
   * contender alike.
   */
  verifyRounds: number;
  /** In-process: milliseconds per measurement and per warm-up. */
  verifyMs: number;
  warmupMs: number;
  /** Distinct-token pool per algorithm for the in-process section. */
  verifyPool: number;
  /** Calls in flight for the concurrent in-process mode. */
  inFlight: number;
  /** HTTP: seconds per measurement and per warm-up (0: none), connections, distinct-token pool size. */
  httpSeconds: number;
  httpWarmupSeconds: number;
  connections: number;
  httpPool: number;
  /**
   * HTTP: how the processes share the CPUs, in the order measured, and the workloads measured in
   * each. Unpinned is how users run a server, and what the targets judge; pinned (server on CPU 0,
   * autocannon on CPU 1) shows what a peer gains by moving work to other threads.
   */
  httpPlacements: { placement: Placement; workloads: Workload[] }[];
  /** Cost growth: key counts, issuer counts, milliseconds per measurement, tokens per pool. */
  keyCounts: number[];
  issuerCounts: number[];
  growthMs: number;
  growthPool: number;
  /** Memory: tokens per flood and per warm-up. */
  floodSize: number;
  floodWarmup: number;
}

const FULL: BenchConfig = {
  smoke: false,
  // Two placements: 6 rounds of 1.5 s keep the HTTP section near 8 minutes.
  rounds: 6,
  verifyRounds: 15,
  verifyMs: 250,
  warmupMs: 500,
  // Larger than Gatehouse's default 10 000-entry cache: cycling through exactly 10 000 tokens
  // would turn the "distinct" workload into a cache-hit workload after the first pass.
  verifyPool: 20_000,
  inFlight: 64,
  httpSeconds: 1.5,
  httpWarmupSeconds: 1,
  connections: 50,
  httpPool: 50_000,
  // Pinned: distinct tokens only, the workload where a peer's thread-pool work matters.
  httpPlacements: [
    { placement: 'unpinned', workloads: ['repeated', 'distinct'] },
    { placement: 'pinned', workloads: ['distinct'] },
  ],
  keyCounts: [1, 10, 100, 1000],
  issuerCounts: [1, 3, 10],
  growthMs: 200,
  growthPool: 2000,
  floodSize: 100_000,
  floodWarmup: 20_000,
};

const SMOKE: BenchConfig = {
  smoke: true,
  rounds: 1,
  verifyRounds: 1,
  verifyMs: 100,
  warmupMs: 30,
  verifyPool: 1000,
  inFlight: 64,
  httpSeconds: 0.4,
  httpWarmupSeconds: 0,
  connections: 50,
  httpPool: 1500,
  httpPlacements: [
    { placement: 'unpinned', workloads: ['repeated', 'distinct'] },
    { placement: 'pinned', workloads: ['distinct'] },
  ],
  keyCounts: [1, 10],
  issuerCounts: [1, 3],
  growthMs: 150,
  growthPool: 300,
  floodSize: 3000,
  floodWarmup: 1000,
};

/** The values of `--name=a,b` in argv, or null when it is absent. */
function listArg(argv: string[], name: string): string[] | null {
  const arg = argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3).split(',') : null;
}

/**
 * Reads `--smoke`, `--only=<section,...>`, and for short targeted HTTP runs
 * `--placements=unpinned|pinned` (each with the workloads of the chosen config),
 * `--frameworks=express,koa,fastify` and `--rounds=<n>`.
 */
export function readArgs(argv: string[]): {
  config: BenchConfig;
  only: Set<string> | null;
  frameworks: Set<string> | null;
  /** True when any option narrowed the run: its results are not a full run's. */
  partial: boolean;
} {
  const base = argv.includes('--smoke') ? SMOKE : FULL;
  const only = listArg(argv, 'only');
  const placements = listArg(argv, 'placements');
  const frameworks = listArg(argv, 'frameworks');
  const rounds = Number(listArg(argv, 'rounds')?.[0] ?? base.rounds);
  const config: BenchConfig = {
    ...base,
    rounds: Number.isInteger(rounds) && rounds > 0 ? rounds : base.rounds,
    httpPlacements: base.httpPlacements.filter(
      (p) => placements === null || placements.includes(p.placement),
    ),
  };
  return {
    config,
    only: only ? new Set(only) : null,
    frameworks: frameworks ? new Set(frameworks) : null,
    partial: [only, placements, frameworks, listArg(argv, 'rounds')].some((a) => a !== null),
  };
}
