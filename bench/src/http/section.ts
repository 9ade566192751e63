import { availableParallelism } from 'node:os';
import type { BenchConfig, Placement } from '../config.js';
import { type BenchIssuer, keyFor, tamper } from '../fixtures.js';
import { HTTP_CONTENDERS, type HttpContender } from './contenders.js';
import { load } from './load.js';
import { type HttpCell, type HttpResult, httpResults } from './rows.js';
import { pinToCpu, type ServerProcess, startServer } from './server-process.js';

export type { HttpResult } from './rows.js';

/** How the processes shared the CPUs in one placement. */
export interface HttpPlacement {
  placement: Placement;
  /** False when pinning was asked for but taskset or a second CPU is missing. */
  pinned: boolean;
  description: string;
}

type Log = (line: string) => void;

const ALL_CPUS = () => `0-${availableParallelism() - 1}`;

/** Pins (or unpins) every server and this process; says what it did. */
function place(placement: Placement, servers: Iterable<ServerProcess>): HttpPlacement {
  if (placement === 'unpinned') {
    for (const server of servers) pinToCpu(server.pid, ALL_CPUS());
    pinToCpu(process.pid, ALL_CPUS());
    return {
      placement,
      pinned: false,
      description: 'Unpinned: the OS scheduler shares the CPUs between server and load',
    };
  }
  let pinned = availableParallelism() >= 2;
  for (const server of servers) pinned &&= pinToCpu(server.pid, '0');
  pinned &&= pinToCpu(process.pid, '1');
  return {
    placement,
    pinned,
    description: pinned
      ? 'Pinned: each server process on CPU 0 (taskset), the autocannon process (which also serves the JWKS) on CPU 1'
      : 'Pinned was asked for, but taskset or a second CPU is missing: not pinned',
  };
}

/** Status of one request with `authorization`, and its JSON body (or null). */
async function probe(url: string, authorization?: string) {
  const response = await fetch(url, { headers: authorization ? { authorization } : {} });
  const body = (await response.json().catch(() => null)) as { sub?: unknown } | null;
  return { status: response.status, sub: body?.sub };
}

/** Before any load: the server accepts a valid token (and echoes its sub) and rejects bad ones. */
async function checkServer(
  server: ServerProcess,
  contender: HttpContender,
  issuer: BenchIssuer,
  valid: string,
): Promise<string | undefined> {
  const ok = await probe(server.url, `Bearer ${valid}`);
  if (ok.status !== 200) return `answered ${ok.status} to a valid token`;
  if (contender.kind === 'bare' || contender.kind === 'no-op') return undefined;
  if (ok.sub !== 'user-0') return `answered sub=${String(ok.sub)} instead of user-0`;
  const kid = keyFor(issuer, 'RS256').kid;
  const wrongAudience = await issuer.mint(
    { aud: 'https://other-api.example.test' },
    { alg: 'RS256', kid },
  );
  const bad: [string, string | undefined][] = [
    ['no Authorization header', undefined],
    ['a forged signature', `Bearer ${tamper(valid)}`],
  ];
  // The floor checks the signature and nothing else.
  if (contender.kind !== 'floor' && contender.kind !== 'offload') {
    bad.push(['a wrong audience', `Bearer ${wrongAudience}`]);
  }
  for (const [what, header] of bad) {
    const { status } = await probe(server.url, header);
    if (status !== 401) return `answered ${status} (not 401) to ${what}`;
  }
  return undefined;
}

/**
 * HTTP throughput and server CPU: every contender's server in its own process, load from
 * autocannon in this one, under each placement of `config.httpPlacements` in turn.
 */
export async function runHttpSection(
  config: BenchConfig,
  issuer: BenchIssuer,
  pool: string[],
  log: Log,
  contenders: readonly HttpContender[] = HTTP_CONTENDERS,
): Promise<{
  results: HttpResult[];
  failures: string[];
  warnings: string[];
  placements: HttpPlacement[];
}> {
  const failures: string[] = [];
  const warnings: string[] = [];
  const placements: HttpPlacement[] = [];
  const serverConfig = { issuer: issuer.url, jwksUri: issuer.jwksUri, audience: issuer.audience };
  const servers = new Map<string, ServerProcess>();
  const cells: HttpCell[] = [];
  // One place in the pool per server and workload, kept across placements: a server never sees
  // a token again before the whole pool has passed.
  const cursors = new Map<string, { index: number }>();
  try {
    // Started side by side (startup is mostly module loading), then checked one by one.
    const t0 = performance.now();
    const started = await Promise.allSettled(
      contenders.map((c) => startServer(c.name, serverConfig, null)),
    );
    log(`  ${started.length} servers started in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const [i, contender] of contenders.entries()) {
      const outcome = started[i]!;
      if (outcome.status === 'rejected') {
        failures.push(`HTTP ${contender.name}: ${(outcome.reason as Error).message}`);
        continue;
      }
      servers.set(contender.name, outcome.value);
      const problem = await checkServer(outcome.value, contender, issuer, pool[0]!).catch(
        (error: Error) => `check failed: ${error.message}`,
      );
      if (problem) failures.push(`HTTP ${contender.name}: ${problem}`);
    }
    const tokens = { repeated: [pool[0]!], distinct: pool } as const;
    for (const { placement, workloads } of config.httpPlacements) {
      placements.push(place(placement, servers.values()));
      log(`  ${placements[placements.length - 1]!.description}`);
      const mine = workloads.flatMap((workload) =>
        contenders
          .filter((c) => servers.has(c.name))
          .map(
            (contender): HttpCell => ({ contender, placement, workload, loads: [], micros: [] }),
          ),
      );
      cells.push(...mine);
      const measureCell = async (
        cell: HttpCell,
        server: ServerProcess,
        seconds: number,
        record: boolean,
      ) => {
        const key = `${cell.contender.name} ${cell.workload}`;
        const cursor = cursors.get(key) ?? { index: 0 };
        cursors.set(key, cursor);
        const before = await server.usage();
        const result = await load(
          server.url,
          tokens[cell.workload],
          { connections: config.connections, seconds },
          cursor,
        );
        const after = await server.usage();
        if (!record) return;
        cell.loads.push(result);
        cell.micros.push((after.cpuMicros - before.cpuMicros) / (result.total || 1));
      };
      const measure = async (round: number, seconds: number, record: boolean) => {
        // One framework's contenders back to back, the order rotated each round, so every
        // paired comparison (to bare, floor, peers) is between measurements seconds apart.
        for (const workload of workloads) {
          for (const framework of new Set(contenders.map((c) => c.framework))) {
            const group = mine.filter(
              (c) => c.workload === workload && c.contender.framework === framework,
            );
            for (let k = 0; k < group.length; k++) {
              const cell = group[(k + round) % group.length]!;
              await measureCell(cell, servers.get(cell.contender.name)!, seconds, record);
            }
          }
        }
      };
      if (config.httpWarmupSeconds > 0) {
        log('  warm-up');
        await measure(0, config.httpWarmupSeconds, false);
      }
      for (let round = 0; round < config.rounds; round++) {
        log(`  ${placement} round ${round + 1}/${config.rounds}`);
        await measure(round, config.httpSeconds, true);
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    pinToCpu(process.pid, ALL_CPUS());
  }

  const results = httpResults(cells);
  for (const row of results) {
    if (row.non2xx + row.errors === 0) continue;
    const what = `HTTP ${row.placement} ${row.workload} ${row.contender}: ${row.non2xx} non-2xx answers, ${row.errors} errors`;
    (row.kind === 'peer' ? warnings : failures).push(what);
  }
  return { results, failures, warnings, placements };
}
