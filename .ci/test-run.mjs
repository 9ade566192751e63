#!/usr/bin/env node
// Runs vitest once, bounded, and counts what happened without flattering:
//   node .ci/test-run.mjs --label 'Node 22' [--node /path/to/node] [--result out.json]
//        [--stall 180] [--file-limit 300] [--run-limit 900] [-- <vitest arguments>]
// - The run is killed (its whole process group) when no test event arrives for --stall
//   seconds, when one file runs longer than --file-limit, or when the run exceeds --run-limit;
//   vitest itself bounds tests and hooks but not worker start-up or collection. The files that
//   were running, or never started, are then named and each counted as failed.
// - A file whose beforeAll/afterAll failed, or that failed to load, counts one failure per
//   error (its tests show as skipped in vitest's totals); each unhandled error counts as one.
// - Vitest runs with a clean NODE_OPTIONS, so no inherited loader hook (--import tsx, …)
//   reaches it or its workers (a module-hooks deadlock once hung a worker at start-up).
// Prints "<label>: N passed, N failed[, N skipped]" last; --result gets the same as JSON.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash === -1 ? argv : argv.slice(0, dash);
const vitestArgs = dash === -1 ? [] : argv.slice(dash + 1);
const option = (flag, fallback) => {
  const at = own.indexOf(flag);
  return at === -1 ? fallback : own[at + 1];
};
const label = option('--label', `Node ${process.versions.node}`);
const node = option('--node', process.execPath);
const resultPath = option('--result', undefined);
const limits = {
  stall: Number(option('--stall', 180)) * 1000,
  file: Number(option('--file-limit', 300)) * 1000,
  run: Number(option('--run-limit', 900)) * 1000,
};

const scratch = mkdtempSync(join(tmpdir(), 'gatehouse-test-run-'));
const eventsPath = join(scratch, 'events.jsonl');
writeFileSync(eventsPath, '');
const vitest = createRequire(join(process.cwd(), 'package.json')).resolve('vitest/vitest.mjs');
const reporter = fileURLToPath(new URL('./test-reporter.mjs', import.meta.url));

const env = { ...process.env, GATEHOUSE_TEST_EVENTS: eventsPath };
delete env.NODE_OPTIONS;
const child = spawn(
  node,
  [vitest, 'run', '--reporter=default', `--reporter=${reporter}`, ...vitestArgs],
  { env, stdio: 'inherit', detached: true },
);

const started = Date.now();
let lastEvent = started;
const events = [];
const fd = openSync(eventsPath, 'r');
let pending = '';
function readEvents() {
  const buffer = Buffer.alloc(64 * 1024);
  for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) {
    pending += buffer.subarray(0, n).toString('utf8');
  }
  const lines = pending.split('\n');
  pending = lines.pop() ?? '';
  for (const line of lines) {
    if (!line) continue;
    events.push(JSON.parse(line));
    lastEvent = Date.now();
  }
}

let stopReason;
function stop(reason) {
  if (stopReason !== undefined) return;
  stopReason = reason;
  console.error(`\n[test-run] ${label}: ${reason}; stopping vitest`);
  killGroup('SIGTERM');
  setTimeout(() => killGroup('SIGKILL'), 5000).unref();
}
function killGroup(signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stop(`received ${signal}`);
    setTimeout(() => process.exit(1), 6000);
  });
}

const seconds = (ms) => `${Math.round(ms / 1000)} s`;
const watchdog = setInterval(() => {
  readEvents();
  const now = Date.now();
  const running = inFlight();
  const overdue = [...running].find(([, since]) => now - since > limits.file);
  if (overdue) stop(`${overdue[0]} ran longer than ${seconds(limits.file)}`);
  else if (now - started > limits.run) stop(`the run took longer than ${seconds(limits.run)}`);
  else if (now - lastEvent > limits.stall) stop(`no progress for ${seconds(limits.stall)}`);
}, 1000);

/** Files a worker has started and not finished, with the time each started. */
function inFlight() {
  const running = new Map();
  for (const event of events) {
    if (event.type === 'queued') running.set(event.file, event.at);
    if (event.type === 'end') running.delete(event.file);
  }
  return running;
}

const [code, signal] = await new Promise((resolve) => {
  child.on('exit', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
});
clearInterval(watchdog);
readEvents();
closeSync(fd);
rmSync(scratch, { recursive: true, force: true });

const totals = { passed: 0, failed: 0, skipped: 0 };
const problems = [];
for (const event of events) {
  if (event.type !== 'end') continue;
  totals.passed += event.passed;
  totals.failed += event.failed;
  totals.skipped += event.skipped;
  for (const error of event.errors)
    problems.push(`${event.file}: error outside any test: ${error}`);
}
for (const error of events.find((event) => event.type === 'run-end')?.unhandled ?? []) {
  problems.push(`unhandled error: ${error}`);
}
if (stopReason !== undefined) {
  const running = [...inFlight().keys()];
  const queued = new Set(events.filter((e) => e.type === 'queued').map((e) => e.file));
  const planned = events.find((event) => event.type === 'start')?.files ?? [];
  const unstarted = planned.filter((file) => !queued.has(file));
  for (const file of running) problems.push(`${file}: stopped (${stopReason}) before it finished`);
  // A worker stuck at start-up never reports its file; once every other file is done, the
  // files never started are the stuck ones.
  for (const file of unstarted) problems.push(`${file}: never started (${stopReason})`);
  if (planned.length === 0) problems.push(`the run never started (${stopReason})`);
} else if (!events.some((event) => event.type === 'run-end')) {
  problems.push(`vitest exited (${signal ?? code}) before the run ended`);
}
totals.failed += problems.length;
if (totals.failed === 0 && code !== 0) {
  problems.push(`vitest exited with ${signal ?? code} although no test failed`);
  totals.failed += 1;
}

const line = `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`;
if (problems.length) {
  console.log(`\n${label}: counted as failed:`);
  for (const problem of problems) console.log(`  - ${problem}`);
}
console.log(`${label}: ${line} (${seconds(Date.now() - started)})`);
if (resultPath) writeFileSync(resultPath, JSON.stringify({ label, ...totals, problems }));
process.exit(totals.failed > 0 ? 1 : 0);
