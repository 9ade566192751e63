import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDpopKey } from '@gatehouse/testing';
import autocannon from 'autocannon';
import { startIssuer } from './fixtures.js';
import { processCpuMicros, startRedis } from './redis.js';

/** One row: so many API instances, one Redis, one load generator, on this machine. */
export interface InstancesRow {
  instances: number;
  reqPerSec: number;
  non2xx: number;
  /** CPU seconds per second of run: each API instance (summed), redis-server, the load generator. */
  apiCpu: number;
  redisCpu: number;
  loadCpu: number;
}

export interface InstancesSummary {
  date: string;
  load: [number, number];
  seconds: number;
  connections: number;
  rows: InstancesRow[];
}

const RESULTS = new URL('../results/instances.json', import.meta.url);
// The deployment example's API process (examples/dpop), on the built packages.
const INSTANCE = fileURLToPath(new URL('../../examples/dpop/src/instance.ts', import.meta.url));
const ORIGIN = 'http://api.bench.local';

function startInstance(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', INSTANCE], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('instance did not start in 60 s')), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`instance exited (${code})`)));
  });
}

/**
 * `pnpm --filter @gatehouse/bench instances [--smoke]`: DPoP requests (a fresh, pre-signed proof
 * each) against one API instance, then two, all sharing one Redis, one autocannon run per
 * instance in this process. This machine has two cores: the instances, redis-server and the load
 * generator all share them, and the CPU columns say how.
 */
async function main() {
  const smoke = process.argv.includes('--smoke');
  const seconds = smoke ? 1 : 5;
  const connections = 8;
  const loadBefore = loadavg()[0]!;
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-instances-'));
  const issuer = await startIssuer(['ES256']);
  const redis = await startRedis(dir);
  const children: ChildProcess[] = [];
  try {
    const key = await createDpopKey('ES256');
    const token = await issuer.mint({ cnf: { jkt: key.jkt } }, { alg: 'ES256', expiresIn: 3600 });
    const env = (socket: string, instance: string) => ({
      INSTANCE: instance,
      SOCKET: socket,
      ISSUER: issuer.url,
      AUDIENCE: issuer.audience,
      REDIS_URL: redis.url,
      PUBLIC_ORIGIN: ORIGIN,
    });
    const sockets = [join(dir, 'a.sock'), join(dir, 'b.sock')];
    for (const [i, socket] of sockets.entries()) {
      children.push(await startInstance(env(socket, String(i))));
    }
    // Proofs are signed before the clock starts and each is used once, across every run.
    const pool = Array.from({ length: smoke ? 4000 : 60_000 }, () =>
      key.proof({ method: 'GET', url: `${ORIGIN}/accounts`, accessToken: token }),
    );
    let next = 0;
    const run = (socketPath: string) =>
      autocannon({
        url: 'http://api.bench.local',
        socketPath,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'GET',
            path: '/accounts',
            setupRequest: (request) => ({
              ...request,
              headers: {
                authorization: `DPoP ${token}`,
                dpop: pool[next++ % pool.length]!,
              },
            }),
          },
        ],
      });
    const rows: InstancesRow[] = [];
    for (const count of [1, 2]) {
      await run(sockets[0]!); // warm-up: keys fetched, token cached, JIT warm
      const pids = children.slice(0, count).map((child) => child.pid!);
      const apiBefore = await Promise.all(pids.map(processCpuMicros));
      const redisBefore = await processCpuMicros(redis.pid);
      const loadCpuBefore = process.cpuUsage();
      const started = performance.now();
      const results = await Promise.all(sockets.slice(0, count).map(run));
      const elapsed = (performance.now() - started) / 1000;
      const apiAfter = await Promise.all(pids.map(processCpuMicros));
      const loadCpu = process.cpuUsage(loadCpuBefore);
      rows.push({
        instances: count,
        reqPerSec: results.reduce((sum, r) => sum + r.requests.total, 0) / elapsed,
        non2xx: results.reduce((sum, r) => sum + r.non2xx + r.errors, 0),
        apiCpu: apiAfter.reduce((sum, v, i) => sum + v - apiBefore[i]!, 0) / 1e6 / elapsed,
        redisCpu: ((await processCpuMicros(redis.pid)) - redisBefore) / 1e6 / elapsed,
        loadCpu: (loadCpu.user + loadCpu.system) / 1e6 / elapsed,
      });
    }
    if (next > pool.length) throw new Error('the proof pool ran out: proofs were reused');
    for (const row of rows) {
      console.log(
        `${row.instances} instance(s): ${row.reqPerSec.toFixed(0)} req/s, non-2xx ${row.non2xx}; CPU s/s: API ${row.apiCpu.toFixed(2)}, redis ${row.redisCpu.toFixed(2)}, load generator ${row.loadCpu.toFixed(2)}`,
      );
    }
    if (rows.some((row) => row.non2xx > 0)) throw new Error('some DPoP requests were refused');
    if (!smoke) {
      const summary: InstancesSummary = {
        date: new Date().toISOString(),
        load: [loadBefore, loadavg()[0]!],
        seconds,
        connections,
        rows,
      };
      await writeFile(RESULTS, `${JSON.stringify(summary, null, 2)}\n`);
    }
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await redis.store.close();
    redis.stop();
    await issuer.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
