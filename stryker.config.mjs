// @ts-check
// Mutation testing of the security modules (issue 10 §5): `pnpm mutate`, not in CI.
// `MUTATE=packages/core/src/bearer.ts pnpm mutate` mutates one file (comma-separated list).
// Reports: reports/mutation/ (HTML and JSON).

/** The modules whose every surviving mutant must be killed or explained (docs/security.md). */
const SECURITY_MODULES = [
  'packages/core/src/bearer.ts',
  'packages/core/src/internal/compact-jws.ts',
  'packages/core/src/internal/signature.ts',
  'packages/core/src/claims.ts',
  // the verify pipeline and its stages
  'packages/core/src/verify.ts',
  'packages/core/src/precheck.ts',
  'packages/core/src/token-kind.ts',
  'packages/core/src/profiles.ts',
  'packages/core/src/cache.ts',
  'packages/core/src/internal/key-import.ts',
  // key stores
  'packages/core/src/jwks.ts',
  'packages/core/src/key-stores.ts',
  'packages/core/src/remote-key-store.ts',
  'packages/core/src/discovery.ts',
  'packages/core/src/internal/fetch-json.ts',
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: process.env.MUTATE ? process.env.MUTATE.split(',') : SECURITY_MODULES,
  coverageAnalysis: 'perTest',
  // The machine may be shared: one test process unless told otherwise.
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
