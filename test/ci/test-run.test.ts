import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// .ci/test-run.mjs is what CI's closing "N passed, N failed" line comes from. Here it runs a
// fixture project (test/ci/fixture) whose failures vitest's own totals leave out.
const root = fileURLToPath(new URL('../..', import.meta.url));

interface Run {
  code: number | null;
  output: string;
}

function testRun(limits: string[], files: string[]): Promise<Run> {
  // A clean environment, as CI's: the nested vitest must not think it is one of our workers.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^(VITEST|TEST$|NODE_ENV$|FORCE_COLOR$)/.test(key),
    ),
  );
  const child = spawn(
    process.execPath,
    [
      '.ci/test-run.mjs',
      '--label',
      'fixture',
      ...limits,
      '--',
      '--root',
      'test/ci/fixture',
      ...files,
    ],
    { cwd: root, env: { ...env, NO_COLOR: '1', NODE_OPTIONS: '--import tsx' } },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('.ci/test-run.mjs: the count never flatters', () => {
  it('counts a failing beforeAll, a failing afterAll and an unhandled error as failures', async () => {
    const run = await testRun([], ['passes', 'before-all-fails', 'after-all-fails', 'unhandled']);
    // Vitest's own totals for this run: "5 passed | 2 skipped", no failure.
    expect(run.output).toMatch(/Tests {2}5 passed \| 2 skipped \(7\)/);
    expect(run.output).toContain('fixture: 5 passed, 3 failed, 2 skipped');
    expect(run.output).toContain(
      'before-all-fails.fixture.ts: error outside any test: beforeAll failed on purpose',
    );
    expect(run.output).toContain(
      'after-all-fails.fixture.ts: error outside any test: afterAll failed on purpose',
    );
    expect(run.output).toContain('unhandled error: unhandled on purpose');
    expect(run.code).toBe(1);
  }, 60_000);

  it('stops a file stuck while loading, names it and counts it as failed', async () => {
    const started = Date.now();
    const run = await testRun(['--stall', '5'], ['passes', 'hangs']);
    expect(run.output).toContain('no progress for 5 s; stopping vitest');
    expect(run.output).toContain('test/ci/fixture/hangs.fixture.ts: stopped');
    expect(run.output).toContain('fixture: 3 passed, 1 failed');
    expect(run.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(40_000);
  }, 60_000);

  it('passes a clean run, with no NODE_OPTIONS reaching vitest', async () => {
    // NODE_OPTIONS='--import tsx' is set by testRun; passes.fixture.ts fails if it reaches a worker.
    const run = await testRun([], ['passes']);
    expect(run.output).toContain('fixture: 3 passed, 0 failed');
    expect(run.code).toBe(0);
  }, 60_000);
});
