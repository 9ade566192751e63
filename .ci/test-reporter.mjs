// A vitest reporter for CI: appends one JSON line per event to $GATEHOUSE_TEST_EVENTS, so
// .ci/test-run.mjs can watch progress (and name a stuck file) and count what really happened:
// tests, plus errors outside any test (a failing beforeAll/afterAll, a file that fails to load)
// and unhandled errors, which vitest's own totals leave out of the failed count.
import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';

const out = process.env.GATEHOUSE_TEST_EVENTS;
const write = (event) => {
  if (out) appendFileSync(out, `${JSON.stringify({ ...event, at: Date.now() })}\n`);
};
const name = (moduleId) => relative(process.cwd(), moduleId);
const firstLine = (error) => String(error?.message ?? error).split('\n')[0];

export default class TestEventsReporter {
  onTestRunStart(specifications) {
    write({ type: 'start', files: [...new Set(specifications.map((s) => name(s.moduleId)))] });
  }

  onTestModuleQueued(testModule) {
    write({ type: 'queued', file: name(testModule.moduleId) });
  }

  onTestCaseResult(testCase) {
    write({ type: 'test', file: name(testCase.module.moduleId) });
  }

  onTestModuleEnd(testModule) {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const test of testModule.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed' || state === 'failed') counts[state] += 1;
      else counts.skipped += 1;
    }
    // Errors that belong to no test: the file itself (load, beforeAll/afterAll at top level)
    // and each describe block's hooks.
    const errors = [
      ...testModule.errors(),
      ...[...testModule.children.allSuites()].flatMap((suite) => suite.errors()),
    ].map(firstLine);
    write({ type: 'end', file: name(testModule.moduleId), ...counts, errors });
  }

  onTestRunEnd(_modules, unhandledErrors, reason) {
    write({ type: 'run-end', reason, unhandled: unhandledErrors.map(firstLine) });
  }
}
