import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// The tests StrykerJS runs against each mutant of the security modules (`pnpm mutate`): the
// core's own tests, not the end-to-end suites or the fuzzers (slow, and what they catch the unit
// tests must catch too). `MUTATE_TESTS=all` adds the behaviour table (real framework servers);
// measured on bearer.ts it killed no mutant the core tests miss, at several times the cost
// (docs/security.md). Same aliases and timeouts as vitest.config.ts.
const withBehaviour = process.env.MUTATE_TESTS === 'all';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'packages/core/test/**/*.test.ts',
      ...(withBehaviour ? ['test/behaviour/**/*.test.ts'] : []),
    ],
    exclude: ['packages/core/test/fuzz/**', '**/node_modules/**'],
  },
});
