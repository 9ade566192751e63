import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CASES, CATALOG, type CaseId } from './catalog.js';

// The published conformance report (docs/conformance-report.json, in the shape the catalog's
// usage guidance asks for, and docs/conformance.md) is exactly what the tests here establish.
// After changing catalog.ts: UPDATE_CONFORMANCE=1 pnpm vitest run test/conformance/report.test.ts

const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const REPORT = 'docs/conformance-report.json';
const ids = Object.keys(CASES) as CaseId[];

/** Which test file holds each case id (each id must be named in exactly one place). */
function testFiles(): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const file of readdirSync(new URL('test/conformance/', root))) {
    if (!file.endsWith('.test.ts') || file === 'report.test.ts') continue;
    const source = read(`test/conformance/${file}`);
    for (const [, id] of source.matchAll(/'((?:rfc\d+|authplane)-[a-z0-9-]+)'/g)) {
      where.set(id!, [...(where.get(id!) ?? []), `test/conformance/${file}`]);
    }
  }
  return where;
}

function render(where: Map<string, string[]>) {
  const count = (status: string) => ids.filter((id) => CASES[id].status === status).length;
  return {
    catalog_id: CATALOG.id,
    catalog_version: CATALOG.version,
    catalog_source: { repository: CATALOG.repository, file: CATALOG.file, commit: CATALOG.commit },
    implementation: {
      name: 'gatehouse',
      version: JSON.parse(read('packages/core/package.json')).version as string,
    },
    generated_at: new Date().toISOString(),
    summary: {
      total: ids.length,
      pass: count('pass'),
      deviation: count('deviation'),
      not_supported: count('not_supported'),
      fail: 0,
    },
    cases: ids.map((id) => ({
      id,
      status: CASES[id].status,
      details: CASES[id].note,
      test: where.get(id)?.[0] ?? null,
    })),
  };
}

describe('conformance report', () => {
  it('every resource-server case of the catalog has exactly one test, named by its id', () => {
    const where = testFiles();
    for (const id of ids) expect(where.get(id), id).toHaveLength(1);
    expect([...where.keys()].filter((id) => !(id in CASES))).toEqual([]);
  });

  it('docs/conformance-report.json is the report of these tests', () => {
    const fresh = render(testFiles());
    if (process.env.UPDATE_CONFORMANCE)
      writeFileSync(new URL(REPORT, root), `${JSON.stringify(fresh, null, 2)}\n`);
    const published = JSON.parse(read(REPORT));
    expect({ ...published, generated_at: undefined }).toEqual({
      ...fresh,
      generated_at: undefined,
    });
  });

  it('docs/conformance.md lists every case with its status', () => {
    const markdown = read('docs/conformance.md');
    for (const id of ids) {
      const row = markdown.split('\n').find((line) => line.startsWith(`| \`${id}\``)) ?? '';
      const cells = row.split('|').map((cell) => cell.trim());
      expect(cells[2], id).toBe(CASES[id].status.replace('_', ' '));
    }
    expect(markdown).toContain(CATALOG.commit);
  });
});
