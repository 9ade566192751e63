/** Median of a non-empty list; NaN for an empty one. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The median over rounds of `a[r] / b[r]`. Two contenders measured in the same round share that
 * round's machine speed, so their ratio cancels the drift that a ratio of two medians keeps
 * (on this VM a cell's rounds spread by ±20 %). NaN unless both have the same rounds.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || a.length !== b.length) return Number.NaN;
  return median(a.map((value, round) => ratio(value, b[round])));
}

/** a / b, or NaN when either side is missing. */
export function ratio(a: number | undefined, b: number | undefined): number {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) {
    return Number.NaN;
  }
  return a / b;
}

/** 12345.6 -> "12,346"; NaN -> "–". */
export function formatCount(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
}

/** 0.8734 -> "0.87×"; NaN -> "–". */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) return '–';
  return value >= 10 ? `${value.toFixed(1)}×` : `${value.toFixed(2)}×`;
}

/** Bytes -> "12.3 MB" (10^6). */
export function formatBytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Renders rows as an aligned plain-text table (first row is the header). */
export function textTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  const line = (r: string[]) =>
    r.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!)));
  const [head, ...body] = rows;
  const rule = widths.map((w) => '-'.repeat(w));
  return [line(head!), rule, ...body.map(line)].map((r) => r.join('  ')).join('\n');
}

/** Renders rows as a Markdown table (first row is the header; other columns right-aligned). */
export function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  const align = head!.map((_, col) => (col === 0 ? '---' : '---:'));
  return [head!, align, ...body].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/**
 * The median over rounds of `a[r] − b[r]`: what one contender adds to another measured in the
 * same round. NaN unless both have the same rounds.
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || a.length !== b.length) return Number.NaN;
  return median(a.map((value, round) => value - b[round]!));
}
