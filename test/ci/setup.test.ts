import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

// scripts/setup.mjs is the install step of `npm run demo` and `npm test`: its failures must be
// visible and explained (they were silent: `npm run -s setup`). Each case runs it in a scratch
// project; the network is loopback only.
const root = fileURLToPath(new URL('../..', import.meta.url));
let scratch = '';

function project(lockfile: string): string {
  scratch = mkdtempSync(join(tmpdir(), 'gatehouse-setup-'));
  mkdirSync(join(scratch, 'scripts'));
  cpSync(join(root, 'scripts/setup.mjs'), join(scratch, 'scripts/setup.mjs'));
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'scratch', private: true, dependencies: { 'is-number': '^7.0.0' } }),
  );
  writeFileSync(join(scratch, 'pnpm-lock.yaml'), lockfile);
  return scratch;
}

function setup(
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['scripts/setup.mjs'], {
    cwd,
    env: { ...process.env, ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

afterEach(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('npm run setup explains a failed install', () => {
  it('a lockfile out of date with package.json: exit 1 and how to update it', async () => {
    const cwd = project("lockfileVersion: '9.0'\n\nimporters:\n\n  .: {}\n");
    // The workspace's own pnpm, as after a first install: no registry needed.
    mkdirSync(join(cwd, 'node_modules'));
    symlinkSync(join(root, 'node_modules/pnpm'), join(cwd, 'node_modules/pnpm'));
    const { code, output } = await setup(cwd, {});
    expect(code).toBe(1);
    expect(output).toContain('Installing dependencies with pnpm 10.');
    expect(output).toContain(
      'setup: the install failed (exit 1): pnpm-lock.yaml does not match a package.json. Update it with `npx pnpm@10 install`',
    );
  }, 60_000);

  it('an unreachable registry: exit 1 within seconds, naming the registry', async () => {
    const cwd = project("lockfileVersion: '9.0'\n");
    const registry = `http://127.0.0.1:${await closedPort()}/`;
    const started = Date.now();
    // An empty npm cache: npx must fetch pnpm from the (unreachable) registry.
    const { code, output } = await setup(cwd, {
      npm_config_registry: registry,
      npm_config_cache: join(cwd, 'npm-cache'),
    });
    expect(code).toBe(1);
    expect(output).toContain('Installing dependencies with pnpm 10 (through npx)');
    expect(output).toContain(`the npm registry (${registry}) cannot be reached`);
    expect(Date.now() - started).toBeLessThan(40_000);
  }, 60_000);
});
