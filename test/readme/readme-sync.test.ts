import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const firstTsBlock = (markdown: string) => /```ts\n([\s\S]*?)```/.exec(markdown)?.[1] ?? '';

describe('README examples stay runnable', () => {
  it('the @gatehouse/testing README test is the one we run', () => {
    const block = firstTsBlock(read('packages/testing/README.md'));
    expect(block.length).toBeGreaterThan(100);
    expect(read('test/readme/testing-readme.test.ts')).toContain(block);
  });
});
