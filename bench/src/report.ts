import type { GrowthResult } from './growth.js';
import type { HttpResult } from './http/section.js';
import type { VerifyResult } from './in-process/section.js';
import type { MemoryResult } from './memory.js';
import { formatBytes, formatCount, formatRatio } from './stats.js';
import type { TargetCheck } from './targets.js';

/** Rows (header first) for the in-process table: one row per contender and mode. */
export function verifyTable(rows: VerifyResult[]): string[][] {
  const columns = [
    ['RS256', 'repeated'],
    ['RS256', 'distinct'],
    ['ES256', 'repeated'],
    ['ES256', 'distinct'],
  ] as const;
  const table = [['verify (ops/s, × floor)', ...columns.map(([alg, w]) => `${alg} ${w}`)]];
  const seen = new Set<string>();
  for (const row of rows) {
    const label = row.mode === 'in flight' ? `${row.contender}, 64 in flight` : row.contender;
    if (seen.has(label)) continue;
    seen.add(label);
    table.push([
      label,
      ...columns.map(([alg, workload]) => {
        const cell = rows.find(
          (r) =>
            r.alg === alg &&
            r.workload === workload &&
            r.contender === row.contender &&
            r.mode === row.mode,
        );
        if (!cell) return '–';
        if (cell.error) return 'threw';
        return `${formatCount(cell.opsPerSec)} (${formatRatio(cell.vsFloor)})`;
      }),
    ]);
  }
  return table;
}

/** Rows for the HTTP table: one row per server and workload. */
export function httpTable(rows: HttpResult[]): string[][] {
  const table = [
    [
      'HTTP',
      'workload',
      'req/s',
      'p99 ms',
      'server µs/req',
      '× bare',
      '× best peer',
      'CPU × bare',
      'non-2xx',
    ],
  ];
  for (const workload of ['repeated', 'distinct'] as const) {
    for (const row of rows.filter((r) => r.workload === workload)) {
      table.push([
        row.contender,
        workload,
        formatCount(row.reqPerSec),
        Number.isFinite(row.p99Ms) ? String(row.p99Ms) : '–',
        Number.isFinite(row.serverMicrosPerReq) ? row.serverMicrosPerReq.toFixed(0) : '–',
        formatRatio(row.vsBare),
        formatRatio(row.vsBestPeer),
        formatRatio(row.cpuVsBare),
        String(row.non2xx + row.errors),
      ]);
    }
  }
  return table;
}

/** Rows for the growth table. */
export function growthTable(rows: GrowthResult[]): string[][] {
  const table = [['Gatehouse growth (RS256, one at a time)', 'count', 'ops/s', '× first point']];
  for (const row of rows) {
    table.push([
      `${row.dimension}, ${row.workload}`,
      String(row.count),
      formatCount(row.opsPerSec),
      formatRatio(row.vsFirst),
    ]);
  }
  return table;
}

/** Rows for the memory table. */
export function memoryTable(rows: MemoryResult[]): string[][] {
  const table = [
    [
      'memory (one verifier, after warm-up, after gc)',
      'tokens',
      'RSS growth',
      'heap growth',
      'seconds',
      'wrong decisions',
    ],
  ];
  for (const row of rows) {
    table.push([
      `${row.flood} flood`,
      formatCount(row.tokens),
      formatBytes(row.rssGrowth),
      formatBytes(row.heapGrowth),
      row.seconds.toFixed(1),
      String(row.wrongDecisions),
    ]);
  }
  return table;
}

/** Rows for the targets of issue 6. */
export function targetTable(checks: TargetCheck[]): string[][] {
  return [
    ['target (issue 6)', 'measured', 'result'],
    ...checks.map((c) => [c.target, c.measured, c.pass ? 'PASS' : 'FAIL']),
  ];
}
