import { availableParallelism } from 'node:os';
import type { BenchConfig } from '../config.js';
import { type BenchIssuer, keyFor, tamper } from '../fixtures.js';
import { median, pairedRatio, ratio } from '../stats.js';
import { type Framework, HTTP_CONTENDERS, type HttpContender } from './contenders.js';
import { type LoadResult, load } from './load.js';
import { pinToCpu, type ServerProcess, startServer } from './server-process.js';

/** One cell of the HTTP table. */
export interface HttpResult {
  framework: Framework;
  contender: string;
  kind: HttpContender['kind'];
  workload: 'repeated' | 'distinct';
  reqPerSec: number;
  p99Ms: number;
  /** Server CPU time per answered request (the server process only). */
  serverMicrosPerReq: number;
  non2xx: number;
  errors: number;
  rounds: number[];
  vsBare: number;
  vsBestPeer: number;
  /** Bare framework's server CPU per request over this one's: the share of the server's time
   * left for the framework itself (1 = auth costs nothing). */
  cpuVsBare: number;
}

/** How the two processes shared the CPUs. */
export interface HttpPlacement {
  pinned: boolean;
  description: string;
}

type Log = (line: string) => void;

function placementFor(pinned: boolean): HttpPlacement {
  return pinned
    ? {
        pinned: true,
        description:
          'Each server process is pinned to CPU 0 (taskset), the autocannon process (which also serves the JWKS) to CPU 1',
      }
    : { pinned: false, description: 'Processes are not pinned; the OS scheduler shares the CPUs' };
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
    ['a wrong audience', `Bearer ${wrongAudience}`],
  ];
  for (const [what, header] of bad) {
    const { status } = await probe(server.url, header);
    if (status !== 401) return `answered ${status} (not 401) to ${what}`;
  }
  return undefined;
}

/**
 * HTTP throughput: every contender's server in its own process, load from autocannon in this
 * one. With two or more CPUs the server is pinned to CPU 0 and this process to CPU 1.
 */
export async function runHttpSection(
  config: BenchConfig,
  issuer: BenchIssuer,
  pool: string[],
  log: Log,
): Promise<{
  results: HttpResult[];
  failures: string[];
  warnings: string[];
  placement: HttpPlacement;
}> {
  const failures: string[] = [];
  const warnings: string[] = [];
  const canPin = availableParallelism() >= 2;
  let pin = false;
  const serverConfig = { issuer: issuer.url, jwksUri: issuer.jwksUri, audience: issuer.audience };
  const servers = new Map<string, ServerProcess>();
  const cells: {
    contender: HttpContender;
    workload: HttpResult['workload'];
    cursor: { index: number };
    loads: LoadResult[];
    micros: number[];
  }[] = [];
  try {
    // Started side by side (startup is mostly module loading), before this process is pinned so
    // they do not inherit its CPU; then checked one by one.
    const t0 = performance.now();
    const started = await Promise.allSettled(
      HTTP_CONTENDERS.map((c) => startServer(c.name, serverConfig, canPin ? '0' : null)),
    );
    pin = canPin && pinToCpu(process.pid, '1');
    log(`  ${started.length} servers started in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const [i, contender] of HTTP_CONTENDERS.entries()) {
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
    const workloads = { repeated: [pool[0]!], distinct: pool } as const;
    const frameworks = [...new Set(HTTP_CONTENDERS.map((c) => c.framework))];
    const groupKeys = (['repeated', 'distinct'] as const).flatMap((workload) =>
      frameworks.map((framework) => [workload, framework] as const),
    );
    for (const workload of ['repeated', 'distinct'] as const) {
      for (const contender of HTTP_CONTENDERS) {
        if (servers.has(contender.name)) {
          cells.push({ contender, workload, cursor: { index: 0 }, loads: [], micros: [] });
        }
      }
    }
    const measure = async (round: number, seconds: number, record: boolean) => {
      // One framework's contenders back to back, so the ratios to its bare server and best
      // peer compare measurements seconds apart.
      for (const [workload, framework] of groupKeys) {
        const group = cells.filter(
          (c) => c.workload === workload && c.contender.framework === framework,
        );
        for (let k = 0; k < group.length; k++) {
          const cell = group[(k + round) % group.length]!;
          const server = servers.get(cell.contender.name)!;
          const before = await server.usage();
          const result = await load(
            server.url,
            workloads[workload],
            { connections: config.connections, seconds },
            cell.cursor,
          );
          const after = await server.usage();
          if (!record) continue;
          cell.loads.push(result);
          const answered = result.total || 1;
          cell.micros.push((after.cpuMicros - before.cpuMicros) / answered);
        }
      }
    };
    if (config.httpWarmupSeconds > 0) {
      log('  warm-up');
      await measure(0, config.httpWarmupSeconds, false);
    }
    for (let round = 0; round < config.rounds; round++) {
      log(`  round ${round + 1}/${config.rounds}`);
      await measure(round, config.httpSeconds, true);
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop()));
    if (pin) pinToCpu(process.pid, `0-${availableParallelism() - 1}`);
  }

  const results: HttpResult[] = cells.map(({ contender, workload, loads, micros }) => {
    const non2xx = loads.reduce((sum, l) => sum + l.non2xx, 0);
    const errors = loads.reduce((sum, l) => sum + l.errors, 0);
    if (non2xx + errors > 0) {
      const what = `HTTP ${workload} ${contender.name}: ${non2xx} non-2xx answers, ${errors} errors`;
      (contender.kind === 'peer' ? warnings : failures).push(what);
    }
    return {
      framework: contender.framework,
      contender: contender.name,
      kind: contender.kind,
      workload,
      reqPerSec: median(loads.map((l) => l.reqPerSec)),
      p99Ms: median(loads.map((l) => l.p99Ms)),
      serverMicrosPerReq: median(micros),
      non2xx,
      errors,
      rounds: loads.map((l) => Math.round(l.reqPerSec)),
      vsBare: Number.NaN,
      vsBestPeer: Number.NaN,
      cpuVsBare: Number.NaN,
    };
  });
  for (const row of results) {
    const same = results.filter(
      (r) => r.framework === row.framework && r.workload === row.workload,
    );
    const bare = same.find((r) => r.kind === 'bare');
    const bestPeer = same
      .filter((r) => r.kind === 'peer')
      .reduce<HttpResult | undefined>(
        (best, r) => (best && best.reqPerSec >= r.reqPerSec ? best : r),
        undefined,
      );
    if (row.kind === 'bare') continue;
    row.vsBare = pairedRatio(row.rounds, bare?.rounds ?? []);
    if (row.kind !== 'no-op') row.vsBestPeer = pairedRatio(row.rounds, bestPeer?.rounds ?? []);
    row.cpuVsBare = ratio(bare?.serverMicrosPerReq, row.serverMicrosPerReq);
  }
  return { results, failures, warnings, placement: placementFor(pin) };
}
