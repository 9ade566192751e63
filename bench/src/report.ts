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
  const table = [
    ['verify (calls per CPU second, × floor)', ...columns.map(([alg, w]) => `${alg} ${w}`)],
  ];
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
        return `${formatCount(cell.opsPerCpuSecond)} (${formatRatio(cell.vsFloor)})`;
      }),
    ]);
  }
  return table;
}

const micros = (value: number, sign = false) =>
  Number.isFinite(value) ? `${sign && value >= 0 ? '+' : ''}${value.toFixed(0)}` : '–';

/** Rows for the HTTP table: one row per server, placement and workload. */
export function httpTable(rows: HttpResult[]): string[][] {
  const table = [
    [
      'HTTP',
      'placement, workload',
      'req/s',
      'p99 ms',
      'server CPU µs/req',
      'added µs/req',
      'added × floor',
      'req/s × bare',
      'req/s × best peer',
      'non-2xx',
    ],
  ];
  const groups = [...new Set(rows.map((r) => `${r.placement}, ${r.workload}`))];
  for (const group of groups) {
    for (const row of rows.filter((r) => `${r.placement}, ${r.workload}` === group)) {
      table.push([
        row.contender,
        group,
        formatCount(row.reqPerSec),
        Number.isFinite(row.p99Ms) ? String(row.p99Ms) : '–',
        micros(row.serverMicrosPerReq),
        micros(row.addedMicros, true),
        formatRatio(row.addedVsFloor),
        formatRatio(row.vsBare),
        formatRatio(row.vsBestPeer),
        String(row.non2xx + row.errors),
      ]);
    }
  }
  return table;
}

/** Rows for the growth table. */
export function growthTable(rows: GrowthResult[]): string[][] {
  const table = [
    ['Gatehouse growth (RS256, one at a time)', 'count', 'calls per CPU s', '× first point'],
  ];
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

/** Rows for the targets (issue 11; memory and growth from issue 6). */
export function targetTable(checks: TargetCheck[]): string[][] {
  return [
    ['target', 'measured', 'result'],
    ...checks.map((c) => [c.target, c.measured, c.pass ? 'PASS' : 'FAIL']),
  ];
}
