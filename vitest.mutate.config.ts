import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The tests StrykerJS runs against each mutant of the security modules (`pnpm mutate`): the
// core's own tests and the behaviour table, not the end-to-end suites or the fuzzers (slow, and
// what they catch the unit tests must catch too). Same aliases and timeouts as vitest.config.ts.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['packages/core/test/**/*.test.ts', 'test/behaviour/**/*.test.ts'],
    exclude: ['packages/core/test/fuzz/**', '**/node_modules/**'],
  },
});
