import type { GrowthResult } from './growth.js';
import type { HttpResult } from './http/section.js';
import type { VerifyResult } from './in-process/section.js';
import type { MemoryResult } from './memory.js';
import { formatBytes, formatRatio, pairedRatio } from './stats.js';

/** One target and whether this run met it. */
export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
}

export interface Results {
  verify: VerifyResult[];
  http: HttpResult[];
  growth: GrowthResult[];
  memory: MemoryResult[];
}

const MB = 1e6;

/** Rounds of one in-process cell (one at a time). */
function rounds(rows: VerifyResult[], alg: string, workload: string, contender: string): number[] {
  return (
    rows.find(
      (r) =>
        r.alg === alg &&
        r.workload === workload &&
        r.contender === contender &&
        r.mode === 'one at a time',
    )?.rounds ?? []
  );
}

/** Three decimals, so a value just under a threshold never prints as the threshold itself. */
const precise = (value: number) =>
  Number.isFinite(value) && value < 10 ? `${value.toFixed(3)}×` : formatRatio(value);

function check(target: string, value: number, threshold: number): TargetCheck {
  return { target, measured: precise(value), pass: Number.isFinite(value) && value >= threshold };
}

const atMost = (target: string, value: number, threshold: number): TargetCheck => ({
  target,
  measured: precise(value),
  pass: Number.isFinite(value) && value <= threshold,
});

const signed = (micros: number) => `${micros >= 0 ? '+' : ''}${micros.toFixed(1)} µs`;

/**
 * HTTP targets of issue 11, judged on the unpinned rows (how users run a server): added server
 * CPU per request against the floor (distinct) and the no-op middleware (repeated), and req/s
 * ahead of every peer.
 */
function httpChecks(http: HttpResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const unpinned = http.filter((r) => r.placement === 'unpinned');
  for (const row of unpinned.filter((r) => r.kind === 'gatehouse')) {
    const { framework, workload } = row;
    if (workload === 'distinct') {
      checks.push(
        atMost(
          `HTTP distinct, ${framework}: Gatehouse added CPU/req ≤ 1.10× the floor's`,
          row.addedVsFloor,
          1.1,
        ),
      );
    } else {
      // The no-op middleware adds a few µs, as noisy as the rest of the request: a per-round
      // ratio of two such small numbers would be noise, so the paired medians are compared.
      const noOp = unpinned.find(
        (r) => r.framework === framework && r.workload === workload && r.kind === 'no-op',
      );
      const added = noOp?.addedMicros ?? Number.NaN;
      checks.push({
        target: `HTTP repeated, ${framework}: Gatehouse added CPU/req ≤ the no-op's + 10 %`,
        measured: `${signed(row.addedMicros)} vs ${signed(added)}`,
        pass: Number.isFinite(added) && row.addedMicros <= Math.max(added, 0) * 1.1,
      });
    }
    checks.push(
      check(
        `HTTP ${workload}, ${framework}, unpinned: Gatehouse req/s ≥ every peer's`,
        row.vsBestPeer,
        1,
      ),
    );
  }
  return checks;
}

/** Evaluates every target of issue 11 that the sections measured (memory and growth: issue 6). */
export function checkTargets({ verify, http, growth, memory }: Results): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const alg of ['RS256', 'ES256']) {
    if (!verify.some((r) => r.alg === alg)) continue;
    checks.push(
      check(
        `${alg} distinct, one at a time, CPU time: Gatehouse ≥ 0.95× the floor`,
        pairedRatio(
          rounds(verify, alg, 'distinct', 'Gatehouse cache on'),
          rounds(verify, alg, 'distinct', 'floor (node:crypto)'),
        ),
        0.95,
      ),
    );
  }
  checks.push(...httpChecks(http));
  for (const row of memory) {
    checks.push({
      target: `Memory: ≤ 20 MB RSS growth across ${row.tokens.toLocaleString('en-US')} ${row.flood} tokens`,
      measured: `${formatBytes(row.rssGrowth)} RSS, ${formatBytes(row.heapGrowth)} heap`,
      pass: row.rssGrowth <= 20 * MB,
    });
  }
  for (const dimension of ['keys in the JWKS', 'trusted issuers'] as const) {
    for (const workload of ['distinct, cache off', 'repeated, cache on'] as const) {
      const line = growth.filter((g) => g.dimension === dimension && g.workload === workload);
      if (line.length < 2) continue;
      const worst = Math.min(...line.map((g) => g.vsFirst));
      const last = line[line.length - 1]!;
      checks.push(
        check(
          `Flat within 10 %: ${workload}, 1 → ${last.count} ${dimension} (worst point vs first)`,
          worst,
          0.9,
        ),
      );
    }
  }
  return checks;
}
