import type { BenchConfig } from '../config.js';
import { type BenchAlg, type BenchIssuer, hostileTokens } from '../fixtures.js';
import { median, pairedRatio } from '../stats.js';
import { type ContenderSetup, peerContenders, type VerifyContender } from './contenders.js';
import { type Cursor, opsInFlight, opsOneAtATime, type Rate } from './measure.js';

/** One cell of the in-process table. */
export interface VerifyResult {
  alg: BenchAlg;
  workload: 'repeated' | 'distinct';
  contender: string;
  mode: 'one at a time' | 'in flight';
  /** Calls per second of process CPU time (median round): the measure the targets judge. */
  opsPerCpuSecond: number;
  /** Calls per CPU second, per round. */
  rounds: number[];
  /** Against the floor in CPU time, same algorithm and workload, one at a time (paired by round). */
  vsFloor: number;
  /** Calls per second of wall time (median round), and per round. */
  opsPerSec: number;
  wallRounds: number[];
  error?: string;
}

/**
 * One contender in one mode on one workload. Every cell has its own contender instance (so its
 * own cache) and its own place in the pool, so no cell is handed tokens another cell left in a
 * shared cache.
 */
interface Cell {
  contender: VerifyContender;
  mode: VerifyResult['mode'];
  cursor: Cursor;
  rounds: Rate[];
  error?: string;
}

type Log = (line: string) => void;

async function buildContenders(setup: ContenderSetup, failures: string[]) {
  const contenders = peerContenders(setup);
  try {
    const { gatehouse, gatehouseHandler } = await import('./gatehouse.js');
    contenders.splice(
      1,
      0,
      gatehouse(setup, true),
      gatehouseHandler(setup),
      gatehouse(setup, false),
    );
  } catch (error) {
    failures.push(`Gatehouse core unavailable: ${(error as Error).message}`);
  }
  return contenders;
}

/** A contender is measured only if it accepts a valid token and rejects hostile ones. */
async function checkContender(
  contender: VerifyContender,
  valid: string,
  hostile: Awaited<ReturnType<typeof hostileTokens>>,
): Promise<string | undefined> {
  try {
    await contender.verify(valid);
  } catch (error) {
    return `rejected a valid token (${(error as Error).message})`;
  }
  for (const { name, token, claimCheck } of hostile) {
    if (claimCheck && !contender.checksClaims) continue;
    const accepted = await Promise.resolve()
      .then(() => contender.verify(token))
      .then(
        () => true,
        () => false,
      );
    if (accepted) return `accepted a token with a ${name}`;
  }
  return undefined;
}

async function measureCell(
  cell: Cell,
  tokens: readonly string[],
  ms: number,
  width: number,
): Promise<Rate> {
  return cell.mode === 'in flight'
    ? opsInFlight(cell.contender, tokens, ms, width, cell.cursor)
    : opsOneAtATime(cell.contender, tokens, ms, cell.cursor);
}

/**
 * Verify throughput in-process: every contender, both algorithms, one repeated token and a pool
 * of distinct tokens; cells are interleaved in rounds (rotating the order each round) and the
 * median round is reported.
 */
export async function runVerifySection(
  config: BenchConfig,
  issuer: BenchIssuer,
  pools: Record<BenchAlg, string[]>,
  log: Log,
): Promise<{ results: VerifyResult[]; failures: string[] }> {
  const failures: string[] = [];
  const groups: {
    alg: BenchAlg;
    workload: VerifyResult['workload'];
    tokens: string[];
    cells: Cell[];
  }[] = [];
  for (const alg of ['RS256', 'ES256'] as const) {
    const pool = pools[alg];
    const hostile = await hostileTokens(issuer, alg, pool[0]!);
    // A fresh, checked set of contenders per workload and mode; the checks run on each set.
    const checkedContenders = async (label: string) => {
      const usable: VerifyContender[] = [];
      for (const contender of await buildContenders({ issuer, alg }, failures)) {
        const problem = await checkContender(contender, pool[0]!, hostile);
        if (problem) failures.push(`${alg} ${label} ${contender.name}: ${problem}`);
        else usable.push(contender);
      }
      return usable;
    };
    for (const workload of ['repeated', 'distinct'] as const) {
      const cells: Cell[] = [];
      const inFlight = (await checkedContenders(workload)).filter(
        (c) => c.async && c.inFlight !== false,
      );
      for (const contender of await checkedContenders(workload)) {
        cells.push({ contender, mode: 'one at a time', cursor: { index: 0 }, rounds: [] });
        const twin = inFlight.find((c) => c.name === contender.name);
        if (twin)
          cells.push({ contender: twin, mode: 'in flight', cursor: { index: 0 }, rounds: [] });
      }
      groups.push({ alg, workload, tokens: workload === 'repeated' ? [pool[0]!] : pool, cells });
    }
  }

  const run = async (round: number, ms: number, record: boolean) => {
    for (const group of groups) {
      const n = group.cells.length;
      for (let k = 0; k < n; k++) {
        const cell = group.cells[(k + round) % n]!;
        if (cell.error) continue;
        try {
          const ops = await measureCell(cell, group.tokens, ms, config.inFlight);
          if (record) cell.rounds.push(ops);
        } catch (error) {
          cell.error = (error as Error).message;
          failures.push(
            `${group.alg} ${group.workload} ${cell.contender.name} threw: ${cell.error}`,
          );
        }
      }
    }
  };
  log('  warm-up');
  await run(0, config.warmupMs, false);
  for (let round = 0; round < config.verifyRounds; round++) {
    log(`  round ${round + 1}/${config.verifyRounds}`);
    await run(round, config.verifyMs, true);
  }

  const results: VerifyResult[] = [];
  for (const group of groups) {
    const floorCell = group.cells.find((c) => !c.contender.checksClaims);
    const cpu = (cell: Cell) => cell.rounds.map((r) => r.cpu);
    for (const cell of group.cells) {
      results.push({
        alg: group.alg,
        workload: group.workload,
        contender: cell.contender.name,
        mode: cell.mode,
        opsPerCpuSecond: median(cpu(cell)),
        rounds: cpu(cell).map(Math.round),
        vsFloor: floorCell ? pairedRatio(cpu(cell), cpu(floorCell)) : Number.NaN,
        opsPerSec: median(cell.rounds.map((r) => r.wall)),
        wallRounds: cell.rounds.map((r) => Math.round(r.wall)),
        ...(cell.error ? { error: cell.error } : {}),
      });
    }
  }
  return { results, failures };
}
