#!/usr/bin/env node
// Checks packed tarballs as a registry user would get them: node .ci/pack-inspect.mjs a.tgz …
// Each must hold LICENSE, README.md and its entry points; its package.json must carry the
// publishing metadata and no `workspace:` range; every source map must point at files that are
// in the tarball (maps that resolve, or none).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

const problems = [];
for (const tarball of process.argv.slice(2)) {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-pack-inspect-'));
  try {
    execFileSync('tar', ['-xzf', tarball, '-C', dir]);
    const pkg = join(dir, 'package');
    const problem = (text) => problems.push(`${basename(tarball)}: ${text}`);
    for (const file of [
      'LICENSE',
      'README.md',
      'package.json',
      'dist/index.js',
      'dist/index.d.ts',
    ]) {
      if (!existsSync(join(pkg, file))) problem(`${file} is missing`);
    }
    const text = readFileSync(join(pkg, 'package.json'), 'utf8');
    if (text.includes('workspace:')) problem('package.json still has a workspace: range');
    const manifest = JSON.parse(text);
    for (const field of ['repository', 'homepage', 'bugs', 'license', 'engines', 'exports']) {
      if (!manifest[field]) problem(`package.json has no ${field}`);
    }
    if (!manifest.keywords?.length) problem('package.json has no keywords');
    let maps = 0;
    for (const file of readdirSync(pkg, { recursive: true })) {
      if (!String(file).endsWith('.map')) continue;
      maps += 1;
      const map = JSON.parse(readFileSync(join(pkg, file), 'utf8'));
      const base = resolve(dirname(join(pkg, file)), map.sourceRoot ?? '');
      for (const source of map.sources) {
        if (!existsSync(resolve(base, source))) problem(`${file} points at ${source}, not shipped`);
      }
    }
    console.log(`${basename(tarball)}: ${maps} source maps checked`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
if (problems.length) {
  console.error(`packed packages are not ready to publish:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log('every tarball: LICENSE, README, metadata, no workspace: ranges, source maps resolve');
