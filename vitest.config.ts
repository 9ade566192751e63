import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run against the TypeScript sources, so `pnpm test` needs no build; the examples and the
// demo run against the built packages, which keeps the `exports` maps honest.
const src = (name: string) =>
  fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// No loader hook (`--import tsx`, …) may reach a test worker: one once deadlocked a worker at
// start-up. Workers inherit this process's environment, so an inherited NODE_OPTIONS stops here.
delete process.env['NODE_OPTIONS'];

export default defineConfig({
  resolve: {
    alias: {
      '@gatehouse/core/adapter': fileURLToPath(
        new URL('./packages/core/src/adapter.ts', import.meta.url),
      ),
      '@gatehouse/core': src('core'),
      '@gatehouse/testing': src('testing'),
      '@gatehouse/express': src('express'),
      '@gatehouse/koa': src('koa'),
      '@gatehouse/fastify': src('fastify'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
