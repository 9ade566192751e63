#!/usr/bin/env node
// `npm run demo`: setup (install + build), then the demo server in the foreground. Ctrl+C
// reaches the server directly (same process group) and it stops cleanly; this process only
// waits, so npm sees the server's own exit status (0 after a clean stop) and prints nothing more.
// `npm run demo -- --no-setup` skips the install and build.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs a node script in the foreground and resolves with its exit status; `interrupted` is the
 * status to report when Ctrl+C killed it outright.
 */
function node(args, cwd, interrupted) {
  const child = spawn(process.execPath, args, { cwd, stdio: 'inherit' });
  // The terminal sends Ctrl+C to the whole group: the child handles it; we wait for it.
  const forward = (signal) => () => child.kill(signal);
  process.on('SIGINT', () => {});
  process.on('SIGTERM', forward('SIGTERM'));
  process.on('SIGHUP', forward('SIGHUP'));
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? interrupted : 1)));
  });
}

// Ctrl+C during the setup stops there (130, as a shell reports it); during the demo it is the
// way to stop it, so a clean stop is 0.
if (!process.argv.includes('--no-setup')) {
  const setup = await node([`${root}scripts/setup.mjs`], root, 130);
  if (setup !== 0) process.exit(setup);
}
process.exit(await node(['--import', 'tsx', 'src/server.ts'], `${root}examples/demo`, 0));
