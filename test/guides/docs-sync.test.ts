import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Every TypeScript block of the provider and migration guides is a file (or part of one) under
// test/guides/, which `pnpm typecheck` checks and the behaviour table or migrating.test.ts runs.
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const filesIn = (dir: string, ext: string) =>
  readdirSync(new URL(dir, root), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith(ext))
    .map((name) => `${dir}${name}`);

const sources = filesIn('test/guides/', '.ts')
  .filter((path) => !path.endsWith('.test.ts'))
  .map(read);
const guides = [...filesIn('docs/providers/', '.md'), ...filesIn('docs/migrating/', '.md')];

describe('guide snippets are the tested files', () => {
  it('there are guides for every provider and migration', () => {
    expect(guides.length).toBeGreaterThanOrEqual(11);
  });

  it.each(guides)('%s', (guide) => {
    const blocks = [...read(guide).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(sources.some((source) => source.includes(block))).toBe(true);
  });
});
