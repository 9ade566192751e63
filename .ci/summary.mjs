#!/usr/bin/env node
// Sums the test runs of .ci/run into its closing line:
//   node .ci/summary.mjs <result.json>... [--failed-step <name>]...
// Each result file comes from .ci/test-run.mjs; a missing or unreadable one counts as a failed
// run, and so does each failed step (build, lint, pack check, …), so the line never flatters.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--failed-step') {
    i += 1;
    totals.failed += 1;
    lines.push(`step failed: ${args[i]} (counted as 1 failed)`);
    continue;
  }
  try {
    const run = JSON.parse(readFileSync(args[i], 'utf8'));
    totals.passed += run.passed;
    totals.failed += run.failed;
    totals.skipped += run.skipped;
    const skipped = run.skipped ? `, ${run.skipped} skipped` : '';
    lines.push(`${run.label}: ${run.passed} passed, ${run.failed} failed${skipped}`);
  } catch {
    totals.failed += 1;
    lines.push(`${args[i]}: no result (the run did not finish; counted as 1 failed)`);
  }
}
for (const line of lines) console.log(`  ${line}`);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exit(totals.failed > 0 ? 1 : 0);
