import { fork } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ProfileSummary } from './doc.js';
import { type BenchIssuer, mintPool, startIssuer } from './fixtures.js';
import { load } from './http/load.js';
import { startServer } from './http/server-process.js';
import { selfTimes, selfTimesByOwner } from './profile-summary.js';
import { textTable } from './stats.js';

const RESULTS = new URL('../results/', import.meta.url);
const PROFILE_DIR = new URL('profile/', RESULTS);
const TOKENS = new URL('profile-tokens.tmp.json', RESULTS);
const CHILD = fileURLToPath(new URL('./profile-child.ts', import.meta.url));
const cpuProf = ['--cpu-prof', `--cpu-prof-dir=${fileURLToPath(PROFILE_DIR)}`];

/** Core: the verifier alone in a `--cpu-prof` child; returns calls/s and the loop's start. */
async function profileCore(issuer: BenchIssuer, tokens: string[], seconds: number) {
  await writeFile(
    TOKENS,
    JSON.stringify({ issuer: issuer.url, audience: issuer.audience, tokens }),
  );
  try {
    const child = fork(CHILD, [fileURLToPath(TOKENS), String(seconds)], {
      execArgv: [...cpuProf, '--import', 'tsx'],
    });
    type Reply = { calls?: number; loopStartMicros?: number; error?: string };
    const reply = await new Promise<Reply>((resolve) => {
      child.once('message', (m) => resolve(m as Reply));
    });
    await new Promise((resolve) => child.once('exit', resolve));
    if (reply.error) throw new Error(reply.error);
    return {
      rate: `${((reply.calls ?? 0) / seconds).toFixed(0)} verifications/s`,
      from: reply.loopStartMicros ?? 0,
    };
  } finally {
    await rm(TOKENS, { force: true });
  }
}

/** HTTP: one contender's server under `--cpu-prof`, loaded by autocannon from here. */
async function profileHttp(issuer: BenchIssuer, name: string, tokens: string[], seconds: number) {
  const config = { issuer: issuer.url, jwksUri: issuer.jwksUri, audience: issuer.audience };
  const server = await startServer(name, config, null, cpuProf);
  try {
    await load(server.url, tokens, { connections: 50, seconds: 1 });
    const from = Number(process.hrtime.bigint() / 1000n);
    const result = await load(server.url, tokens, { connections: 50, seconds });
    if (result.non2xx + result.errors > 0) throw new Error(`${result.non2xx} non-2xx answers`);
    return { rate: `${result.reqPerSec.toFixed(0)} req/s`, from };
  } finally {
    await server.stop();
  }
}

/**
 * `pnpm --filter @gatehouse/bench profile [core | <http contender>] [repeated | distinct] [seconds]`
 * Default: `core distinct 8` — Gatehouse core with default options (cache on) verifying distinct
 * RS256 tokens one at a time. With an HTTP contender name (e.g. `koa+gatehouse`) its server is
 * profiled under autocannon load. Tokens are minted here, so profiles hold no signing. Prints the
 * top self-time functions; writes the raw .cpuprofile to bench/results/profile/ and, for the
 * default, bench/results/profile.json (shown in docs/performance.md).
 */
async function main() {
  const [target = 'core', workload = 'distinct', secondsArg = '8'] = process.argv.slice(2);
  const seconds = Number(secondsArg);
  const issuer = await startIssuer(['RS256']);
  try {
    const tokens = await mintPool(issuer, 'RS256', workload === 'repeated' ? 1 : 20_000);
    await rm(PROFILE_DIR, { recursive: true, force: true });
    await mkdir(PROFILE_DIR, { recursive: true });
    const { rate, from } =
      target === 'core'
        ? await profileCore(issuer, tokens, seconds)
        : await profileHttp(issuer, target, tokens, seconds);
    const file = (await readdir(PROFILE_DIR)).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('no .cpuprofile written');
    const profile = JSON.parse(await readFile(new URL(file, PROFILE_DIR), 'utf8'));
    // Startup (module loading, discovery) is left out when the clocks agree; else all is kept.
    let { all, top } = selfTimes(profile, from);
    if (all === 0) ({ all, top } = selfTimes(profile, 0));
    const what =
      target === 'core' ? 'Gatehouse core, default options (cache on)' : `${target} server`;
    const summary: ProfileSummary = {
      date: new Date().toISOString(),
      workload: `${what}, ${workload === 'repeated' ? 'one repeated' : '20,000 distinct'} RS256 token${workload === 'repeated' ? '' : 's'}, ${seconds} s, ${rate} under the profiler`,
      totalMs: all / 1000,
      top: top.slice(0, 25).map((t) => ({
        function: t.function,
        location: t.location,
        selfPercent: (100 * t.micros) / all,
      })),
    };
    if (target === 'core' && workload === 'distinct') {
      await writeFile(new URL('profile.json', RESULTS), `${JSON.stringify(summary, null, 2)}\n`);
    }
    console.log(summary.workload);
    console.log(
      `${textTable([
        ['function', 'location', 'self %'],
        ...summary.top.map((t) => [t.function, t.location, t.selfPercent.toFixed(1)]),
      ])}\n`,
    );
    console.log(
      textTable([
        ['self time by owner', 'self %'],
        ...selfTimesByOwner(top).map(([owner, micros]) => [
          owner,
          ((100 * micros) / all).toFixed(1),
        ]),
      ]),
    );
    console.log(`raw profile: bench/results/profile/${file}`);
  } finally {
    await issuer.close();
  }
}

main().catch((error: Error) => {
  console.error(error);
  process.exitCode = 1;
});
