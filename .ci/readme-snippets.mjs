#!/usr/bin/env node
// Type-checks every ```ts snippet of the READMEs under `strict`, against the built packages'
// types (their `exports`, what users get): node .ci/readme-snippets.mjs (after `pnpm build`).
// The snippets of one file form one module, in order, so a later snippet may use what an
// earlier one declared (`app`, `options`). Errors are reported at the README's own line.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const packages = readdirSync(join(root, 'packages'));
const sources = [
  'README.md',
  ...packages.map((name) => `packages/${name}/README.md`),
  ...readdirSync(join(root, 'examples')).map((name) => `examples/${name}/README.md`),
].filter((path) => {
  try {
    return readFileSync(join(root, path), 'utf8').includes('```ts');
  } catch {
    return false;
  }
});

// Under the workspace's node_modules, so express, koa, fastify, vitest… resolve as for the tests.
const scratch = join(root, 'node_modules', '.cache', 'readme-snippets');
rmSync(scratch, { recursive: true, force: true });
mkdirSync(scratch, { recursive: true });

/** Generated file name -> the README line of each generated line (1-based; 0: none). */
const origins = new Map();
let snippets = 0;
for (const source of sources) {
  const lines = readFileSync(join(root, source), 'utf8').split('\n');
  const out = [];
  const from = [];
  let inside = false;
  lines.forEach((line, index) => {
    if (!inside && /^```ts\s*$/.test(line)) {
      inside = true;
      snippets += 1;
      out.push('{}'); // keeps one snippet's last statement apart from the next one's first
      from.push(0);
    } else if (inside && /^```\s*$/.test(line)) inside = false;
    else if (inside) {
      out.push(line);
      from.push(index + 1);
    }
  });
  const file = `${source.replace(/\W+/g, '-')}.ts`;
  writeFileSync(join(scratch, file), `${out.join('\n')}\nexport {};\n`);
  origins.set(file, { source, from });
}

// @gatehouse/* resolve through their package.json `exports` (subpaths included), as for a user.
mkdirSync(join(scratch, 'node_modules', '@gatehouse'), { recursive: true });
for (const name of packages) {
  symlinkSync(join(root, 'packages', name), join(scratch, 'node_modules', '@gatehouse', name));
}
writeFileSync(
  join(scratch, 'tsconfig.json'),
  JSON.stringify({
    extends: join(root, 'tsconfig.base.json'),
    compilerOptions: { noEmit: true, noUnusedLocals: false },
    include: ['*.ts'],
  }),
);

const tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(scratch, 'tsconfig.json'), '--pretty', 'false'], {
    cwd: scratch,
    encoding: 'utf8',
  });
  console.log(`${snippets} README snippets in ${sources.length} files type-check under strict`);
} catch (error) {
  const output = String(error.stdout ?? error);
  const mapped = output.replace(/^([\w.-]+\.ts)\((\d+),(\d+)\)/gm, (match, file, line, column) => {
    const origin = origins.get(file);
    const readmeLine = origin?.from[Number(line) - 1];
    return readmeLine ? `${origin.source}:${readmeLine}:${column}` : match;
  });
  console.error(`README snippets fail to type-check (${relative(root, scratch)}):\n${mapped}`);
  process.exit(1);
}
