import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRedisStore, type RedisStore } from '@gatehouse/redis';

// Linux /proc/<pid>/stat counts CPU in clock ticks of 1/100 s (CLK_TCK).
const TICK_MICROS = 10_000;

/** CPU time (user + system, µs) another process has used so far, from /proc; 10 ms resolution. */
export async function processCpuMicros(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MICROS;
}

/** A redis-server of the bench's own, on a unix socket in `dir`, and a store connected to it. */
export async function startRedis(
  dir: string,
): Promise<{ url: string; store: RedisStore; pid: number; stop(): void }> {
  const socket = join(dir, 'redis.sock');
  const child = spawn(
    'redis-server',
    ['--port', '0', '--unixsocket', socket, '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  await new Promise((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const store = createRedisStore({ url: socket });
  await store.ready();
  return { url: socket, store, pid: child.pid!, stop: () => child.kill('SIGKILL') };
}
