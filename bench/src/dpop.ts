import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AuthContext,
  createMemoryReplayStore,
  createVerifier,
  type Verifier,
} from '@gatehouse/core';
import { createDpopKey } from '@gatehouse/testing';
import { type BenchIssuer, startIssuer } from './fixtures.js';
import { processCpuMicros, startRedis } from './redis.js';
import { median } from './stats.js';

/** One row of the DPoP section: CPU per request in the API process, and in redis-server. */
export interface DpopRow {
  name: string;
  apiMicros: number;
  redisMicros: number | null;
  wallMicros: number;
}

/** What `pnpm --filter @gatehouse/bench dpop` saves for docs/performance.md. */
export interface DpopSummary {
  date: string;
  /** Load average (1 min) before and after: this machine is shared. */
  load: [number, number];
  requests: number;
  rounds: number;
  rows: DpopRow[];
}

const RESULTS = new URL('../results/dpop.json', import.meta.url);
const URL_ = 'https://api.example.com/accounts';
interface Case {
  name: string;
  verifier: Verifier;
  /** Builds the i-th request's arguments ahead of the timed loop (proofs are signed there). */
  prepare(count: number): Promise<[string, Parameters<Verifier['authenticate']>[1]][]>;
  redisPid?: number;
}

async function measure(entry: Case, count: number): Promise<DpopRow> {
  const calls = await entry.prepare(count);
  const redisBefore = entry.redisPid ? await processCpuMicros(entry.redisPid) : 0;
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  let last: AuthContext | undefined;
  for (const [authorization, request] of calls) {
    last = await entry.verifier.authenticate(authorization, request);
  }
  const wall = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  if (!last) throw new Error(`${entry.name}: no answer`);
  return {
    name: entry.name,
    apiMicros: (cpu.user + cpu.system) / count,
    redisMicros: entry.redisPid
      ? ((await processCpuMicros(entry.redisPid)) - redisBefore) / count
      : null,
    wallMicros: (wall * 1000) / count,
  };
}

/**
 * `pnpm --filter @gatehouse/bench dpop [--smoke]`: what a DPoP request costs the API next to a
 * Bearer one, with the in-memory replay store and with Redis (on a unix socket), one request at
 * a time; rounds interleaved, medians reported. Saves bench/results/dpop.json.
 */
async function main() {
  const smoke = process.argv.includes('--smoke');
  const count = smoke ? 300 : 4000;
  const rounds = smoke ? 1 : 5;
  const loadBefore = loadavg()[0]!;
  const dir = await mkdtemp(join(tmpdir(), 'gatehouse-bench-dpop-'));
  const issuer: BenchIssuer = await startIssuer(['ES256']);
  const redis = await startRedis(dir);
  try {
    const key = await createDpopKey('ES256');
    const options = { issuer: issuer.url, audience: issuer.audience };
    const bound = await issuer.mint({ cnf: { jkt: key.jkt } }, { alg: 'ES256', expiresIn: 3600 });
    const plain = await issuer.mint({}, { alg: 'ES256', expiresIn: 3600 });
    const dpopCalls = async (n: number) =>
      Array.from({ length: n }, () => [
        `DPoP ${bound}`,
        {
          proof: key.proof({ method: 'GET', url: URL_, accessToken: bound }),
          method: 'GET',
          url: URL_,
        },
      ]) as [string, Parameters<Verifier['authenticate']>[1]][];
    const cases: Case[] = [
      {
        name: 'Bearer, token cached',
        verifier: createVerifier(options),
        prepare: async (n) => Array.from({ length: n }, () => [`Bearer ${plain}`, undefined]),
      },
      {
        name: 'Bearer, a new token each time (ES256 signature)',
        verifier: createVerifier(options),
        prepare: async (n) =>
          Promise.all(
            Array.from({ length: n }, async (_, i) => [
              `Bearer ${await issuer.mint({ sub: `u${i}-${Math.random()}` }, { alg: 'ES256', expiresIn: 3600 })}`,
              undefined,
            ]),
          ) as Promise<[string, undefined][]>,
      },
      {
        name: 'DPoP, token cached, memory replay store',
        verifier: createVerifier({ ...options, dpop: { replayStore: createMemoryReplayStore() } }),
        prepare: dpopCalls,
      },
      {
        name: 'DPoP, token cached, Redis replay store',
        verifier: createVerifier({ ...options, dpop: { replayStore: redis.store } }),
        prepare: dpopCalls,
        redisPid: redis.pid,
      },
    ];
    const samples = new Map<string, DpopRow[]>();
    for (const entry of cases) await measure(entry, Math.min(count, 200)); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const entry of cases) {
        const row = await measure(entry, count);
        samples.set(entry.name, [...(samples.get(entry.name) ?? []), row]);
      }
    }
    const rows = cases.map(({ name }) => {
      const all = samples.get(name)!;
      const redisAll = all.map((r) => r.redisMicros).filter((v): v is number => v !== null);
      return {
        name,
        apiMicros: median(all.map((r) => r.apiMicros)),
        redisMicros: redisAll.length ? median(redisAll) : null,
        wallMicros: median(all.map((r) => r.wallMicros)),
      };
    });
    for (const row of rows) {
      console.log(
        `${row.name.padEnd(48)} API ${row.apiMicros.toFixed(1)} µs  redis ${row.redisMicros?.toFixed(1) ?? '—'} µs  wall ${row.wallMicros.toFixed(1)} µs`,
      );
    }
    if (!smoke) {
      const summary: DpopSummary = {
        date: new Date().toISOString(),
        load: [loadBefore, loadavg()[0]!],
        requests: count,
        rounds,
        rows,
      };
      await writeFile(RESULTS, `${JSON.stringify(summary, null, 2)}\n`);
    }
  } finally {
    await redis.store.close();
    redis.stop();
    await issuer.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
