#!/usr/bin/env node
// `npm run setup` (and so `npm run demo`, `npm test`): installs every dependency with pnpm 10
// and builds the packages, on a machine with only Node and npm. Shows pnpm's progress, and when
// a step fails says why in one line: a lockfile out of date, an unreachable registry, or the
// step's own error above.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// After the first install, pnpm is a devDependency here: no npx, no registry round trip.
const localPnpm = `${root}node_modules/pnpm/bin/pnpm.cjs`;
const localVersion = existsSync(localPnpm)
  ? JSON.parse(readFileSync(`${root}node_modules/pnpm/package.json`, 'utf8')).version
  : '';
const pnpm = localVersion.startsWith('10.')
  ? [process.execPath, localPnpm]
  : [process.platform === 'win32' ? 'npx.cmd' : 'npx', '--yes', 'pnpm@10'];

const env = { ...process.env };
// `npm run -s …` would pass "silent" down to npx and pnpm and hide their errors.
delete env.npm_config_loglevel;
// Fail within seconds, not after a minute of silent retries, when the registry is unreachable.
env.npm_config_fetch_retries ??= '1';
env.npm_config_fetch_retry_mintimeout ??= '2000';
env.npm_config_fetch_retry_maxtimeout ??= '5000';

/** Runs a command with its output shown as it comes, and kept (the tail) for the diagnosis. */
function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['inherit', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk, stream) => {
      stream.write(chunk);
      tail = (tail + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', (chunk) => keep(chunk, process.stdout));
    child.stderr.on('data', (chunk) => keep(chunk, process.stderr));
    child.on('error', (error) => resolve({ code: 1, output: String(error) }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), output: tail }));
  });
}

function explain(output) {
  if (
    /ERR_PNPM_OUTDATED_LOCKFILE|ERR_PNPM_LOCKFILE_CONFIG_MISMATCH|frozen-lockfile/i.test(output)
  ) {
    return 'pnpm-lock.yaml does not match a package.json. Update it with `npx pnpm@10 install` and commit pnpm-lock.yaml.';
  }
  if (
    /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|ENETUNREACH|META_FETCH_FAIL|request to .* failed/i.test(
      output,
    )
  ) {
    const registry = env.npm_config_registry ?? 'https://registry.npmjs.org/';
    return `the npm registry (${registry}) cannot be reached. Check the network, or the proxy and registry settings (\`npm config get registry\`), and run this again.`;
  }
  return 'see the message above.';
}

const installing = pnpm[0] === process.execPath ? `pnpm ${localVersion}` : 'pnpm 10 (through npx)';
console.log(`Installing dependencies with ${installing}: pnpm install --frozen-lockfile`);
const install = await run(pnpm[0], [...pnpm.slice(1), 'install', '--frozen-lockfile']);
if (install.code !== 0) {
  console.error(`\nsetup: the install failed (exit ${install.code}): ${explain(install.output)}`);
  process.exit(1);
}

console.log('\nBuilding the packages: pnpm build');
const build = await run(pnpm[0], [...pnpm.slice(1), 'run', 'build']);
if (build.code !== 0) {
  console.error(
    `\nsetup: the build failed (exit ${build.code}): see the compiler's message above.`,
  );
  process.exit(1);
}
