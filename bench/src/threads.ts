import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { mintPool, startIssuer } from './fixtures.js';
import { load } from './http/load.js';
import { pinToCpu, type ServerProcess, startServer } from './http/server-process.js';
import { textTable } from './stats.js';

// /proc/<pid>/task/<tid>/stat counts CPU time in clock ticks (USER_HZ, 100 on Linux).
const MICROS_PER_TICK = 10_000;

const noTime = () => ({ mainUser: 0, mainSystem: 0, otherUser: 0, otherSystem: 0 });

/** CPU time (µs) of a process's threads so far: the main thread apart from all others. */
function threadTimes(pid: number) {
  const times = noTime();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between the listing and the read
    }
    // utime and stime are stat's 14th and 15th fields; the name before them may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]) * MICROS_PER_TICK;
    const system = Number(fields[12]) * MICROS_PER_TICK;
    if (tid === String(pid)) {
      times.mainUser += user;
      times.mainSystem += system;
    } else {
      times.otherUser += user;
      times.otherSystem += system;
    }
  }
  return times;
}

type Times = ReturnType<typeof threadTimes>;

/**
 * `pnpm --filter @gatehouse/bench threads [servers] [rounds] [seconds]`: where a server's CPU
 * per request goes, by thread — the main (JavaScript) thread, and every other thread together
 * (V8's garbage-collection and compiler threads, libuv's pool), user and system time apart.
 * Each named HTTP contender (default: fastify, fastify+floor, fastify+gatehouse-core,
 * fastify+gatehouse) answers distinct RS256 tokens, unpinned, in alternating rounds. Linux only.
 * `SERVER_FLAGS` (e.g. `--min-semi-space-size=16`) go to every server's node; `PINNED=1` puts
 * every server on CPU 0 and the load on CPU 1 (taskset).
 */
async function main() {
  const names = (
    process.argv[2] ?? 'fastify,fastify+floor,fastify+gatehouse-core,fastify+gatehouse'
  ).split(',');
  const rounds = Number(process.argv[3] ?? 4);
  const serverFlags = process.env.SERVER_FLAGS?.split(' ').filter(Boolean) ?? [];
  const pinned = process.env.PINNED === '1';
  const seconds = Number(process.argv[4] ?? 3);
  const issuer = await startIssuer(['RS256']);
  const servers: ServerProcess[] = [];
  try {
    const pool = await mintPool(issuer, 'RS256', 50_000);
    const config = { issuer: issuer.url, jwksUri: issuer.jwksUri, audience: issuer.audience };
    servers.push(
      ...(await Promise.all(names.map((name) => startServer(name, config, null, serverFlags)))),
    );
    // Pinned: every server on CPU 0, the load (this process, which also serves the JWKS) on 1.
    const all = `0-${availableParallelism() - 1}`;
    for (const server of servers) pinToCpu(server.pid, pinned ? '0' : all);
    pinToCpu(process.pid, pinned ? '1' : all);
    const totals = servers.map(() => ({ requests: 0, ...noTime() }));
    const cursors = servers.map(() => ({ index: 0 }));
    for (const [i, server] of servers.entries()) {
      await load(server.url, pool, { connections: 50, seconds: 1 }, cursors[i]);
    }
    for (let round = 0; round < rounds; round++) {
      for (const [i, server] of servers.entries()) {
        const before = threadTimes(server.pid);
        const result = await load(server.url, pool, { connections: 50, seconds }, cursors[i]);
        const after = threadTimes(server.pid);
        if (result.non2xx + result.errors > 0) {
          throw new Error(
            `${server.name}: ${result.non2xx} non-2xx answers, ${result.errors} errors`,
          );
        }
        const total = totals[i]!;
        total.requests += result.total;
        for (const key of Object.keys(before) as (keyof Times)[]) {
          total[key] += after[key] - before[key];
        }
      }
    }
    const perRequest = (value: number, requests: number) => (value / requests).toFixed(1);
    const rows = servers.map((server, i) => {
      const { requests, ...times } = totals[i]!;
      const all = Object.values(times).reduce((a, b) => a + b, 0);
      return [
        server.name,
        requests.toLocaleString('en-US'),
        perRequest(times.mainUser, requests),
        perRequest(times.mainSystem, requests),
        perRequest(times.otherUser + times.otherSystem, requests),
        perRequest(all, requests),
      ];
    });
    console.log(
      `Server CPU µs per request by thread, ${rounds} rounds of ${seconds} s, 50 connections, 50,000 distinct RS256 tokens, ${pinned ? 'pinned' : 'unpinned'}${serverFlags.length ? `, server flags ${serverFlags.join(' ')}` : ''}`,
    );
    console.log(
      textTable([
        ['server', 'requests', 'main user', 'main system', 'other threads', 'total'],
        ...rows,
      ]),
    );
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await issuer.close();
  }
}

await main();
