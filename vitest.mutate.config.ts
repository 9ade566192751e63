import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The tests StrykerJS runs against each mutant of the security modules (`pnpm mutate`): the
// core's own tests, not the end-to-end suites or the fuzzers (slow, and what they catch the unit
// tests must catch too). `MUTATE_TESTS=all` adds the behaviour table (real framework servers);
// measured on bearer.ts it killed no mutant the core tests miss, at several times the cost
// (docs/security.md). Same aliases and timeouts as vitest.config.ts.
const withBehaviour = process.env.MUTATE_TESTS === 'all';
// `MUTATE_TEST_FILES=<file>[,<file>…]` runs only those test files: a module whose code every
// verifier test reaches (key import, key store) costs minutes instead of hours per run. A mutant
// such a run leaves alive may still die to a test outside the list (the score is a lower bound).
const only = process.env.MUTATE_TEST_FILES?.split(',');

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: only ?? [
      'packages/core/test/**/*.test.ts',
      ...(withBehaviour ? ['test/behaviour/**/*.test.ts'] : []),
    ],
    exclude: ['packages/core/test/fuzz/**', '**/node_modules/**'],
  },
});
