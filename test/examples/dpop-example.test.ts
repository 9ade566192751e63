import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type RedisServer,
  startRedisServer,
} from '../../packages/redis/test/support/redis-server.js';

// Runs examples/dpop as `pnpm start` does (on the workspace sources, via tsx), with a real
// Redis as its replay store, and checks the walk-through it prints.
const root = fileURLToPath(new URL('../..', import.meta.url));
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

it('examples/dpop: nonce asked, then accepted, replay refused, Bearer refused', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/dpop/src/server.ts'], {
    cwd: root,
    env: { ...process.env, TSX_TSCONFIG_PATH: `${root}tsconfig.test.json`, REDIS_URL: redis.url },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise((resolve) => child.once('exit', resolve));
  expect(code, output).toBe(0);
  expect([...output.matchAll(/^→ (\d{3})/gm)].map((match) => match[1])).toEqual([
    '401',
    '200',
    '401',
    '401',
  ]);
  expect(output).toContain('error="use_dpop_nonce"');
  expect(output).toContain('DPoP-Nonce: ');
  expect(output).toContain('"error":"invalid_dpop_proof"');
}, 60_000);
