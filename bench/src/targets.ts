import type { GrowthResult } from './growth.js';
import type { HttpResult } from './http/section.js';
import type { VerifyResult } from './in-process/section.js';
import type { MemoryResult } from './memory.js';
import { formatBytes, formatRatio, pairedRatio } from './stats.js';

/** One target of issue 6 and whether this run met it. */
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

/** Evaluates every target of issue 6 that the sections measured. */
export function checkTargets({ verify, http, growth, memory }: Results): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const on = 'Gatehouse cache on';
  for (const alg of ['RS256', 'ES256']) {
    if (!verify.some((r) => r.alg === alg)) continue;
    const gh = rounds(verify, alg, 'distinct', on);
    checks.push(
      check(
        `${alg} distinct, one at a time: Gatehouse ≥ 0.9× the floor`,
        pairedRatio(gh, rounds(verify, alg, 'distinct', 'floor (node:crypto)')),
        0.9,
      ),
      check(
        `${alg} distinct, one at a time: Gatehouse ≥ fast-jwt cache off`,
        pairedRatio(gh, rounds(verify, alg, 'distinct', 'fast-jwt cache off')),
        1,
      ),
      check(
        `${alg} distinct: cache on costs ≤ 5 % against cache off`,
        pairedRatio(gh, rounds(verify, alg, 'distinct', 'Gatehouse cache off')),
        0.95,
      ),
      check(
        `${alg} repeated token: Gatehouse ≥ fast-jwt cache on`,
        pairedRatio(
          rounds(verify, alg, 'repeated', on),
          rounds(verify, alg, 'repeated', 'fast-jwt cache on'),
        ),
        1,
      ),
    );
  }
  for (const row of http.filter((r) => r.kind === 'gatehouse')) {
    if (row.workload === 'distinct') {
      checks.push(
        check(`HTTP distinct, ${row.framework}: Gatehouse ≥ 2× the best peer`, row.vsBestPeer, 2),
      );
    } else {
      checks.push(
        check(
          `HTTP repeated, ${row.framework}: Gatehouse ≥ 0.9× bare ${row.framework}`,
          row.vsBare,
          0.9,
        ),
      );
    }
  }
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
