import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem, type } from 'node:os';
import { readArgs } from './config.js';
import { type ProfileSummary, performanceDoc, type RunMeta } from './doc.js';
import type { DpopSummary } from './dpop.js';
import { type BenchAlg, mintPool, startIssuer } from './fixtures.js';
import { runGrowthSection } from './growth.js';
import { HTTP_CONTENDERS } from './http/contenders.js';
import { runHttpSection } from './http/section.js';
import { runVerifySection } from './in-process/section.js';
import type { InstancesSummary } from './instances.js';
import { runMemorySection } from './memory.js';
import { growthTable, httpTable, memoryTable, targetTable, verifyTable } from './report.js';
import { textTable } from './stats.js';
import { checkTargets, type Results } from './targets.js';

const RESULTS = new URL('../results/', import.meta.url);
const DOC = new URL('../../docs/performance.md', import.meta.url);

const log = (line: string) => console.log(line);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** A saved result of a side bench (dpop.json, instances.json), or null when there is none. */
async function readSaved<T>(name: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(new URL(name, RESULTS), 'utf8')) as T;
  } catch {
    return null;
  }
}

async function readProfile(): Promise<ProfileSummary | null> {
  try {
    return JSON.parse(await readFile(new URL('profile.json', RESULTS), 'utf8')) as ProfileSummary;
  } catch {
    return null;
  }
}

/** `--doc`: rewrites docs/performance.md from bench/results/latest.json (and profile.json). */
async function rewriteDoc() {
  const saved = JSON.parse(await readFile(new URL('latest.json', RESULTS), 'utf8'));
  const problems = [
    ...saved.failures.map((f: string) => `FAILURE: ${f}`),
    ...saved.warnings.map((w: string) => `warning: ${w}`),
  ];
  const checks = checkTargets(saved.results);
  await writeFile(
    DOC,
    performanceDoc(
      saved.config,
      saved.meta,
      saved.results,
      checks,
      problems,
      await readProfile(),
      await readSaved<DpopSummary>('dpop.json'),
      await readSaved<InstancesSummary>('instances.json'),
    ),
  );
  log('rewrote docs/performance.md from bench/results/latest.json');
}

/**
 * `pnpm bench [--smoke] [--only=verify,http,growth,memory] [--placements=unpinned,pinned]
 * [--frameworks=express,koa,fastify] [--rounds=n] [--doc]` (see `readArgs`): Gatehouse side by side with its
 * peers. Exits non-zero when a contender throws, fails its correctness checks, or Gatehouse
 * answers anything but 200 under load (targets that are missed do not fail the run).
 */
async function main() {
  if (process.argv.includes('--doc')) return rewriteDoc();
  const started = performance.now();
  const { config, only, frameworks, partial } = readArgs(process.argv.slice(2));
  const wants = (section: string) => only === null || only.has(section);
  const loadBefore = loadavg();
  log(
    `gatehouse bench (${config.smoke ? 'smoke' : 'full'}) — Node ${process.version}, ${cpus().length} CPUs, load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );

  const failures: string[] = [];
  const warnings: string[] = [];
  const results: Results = { verify: [], http: [], growth: [], memory: [] };
  const mintSeconds: Record<string, number> = {};
  let placements: RunMeta['placements'] = [];

  const issuer = await startIssuer(['RS256', 'ES256']);
  try {
    const pools = {} as Record<BenchAlg, string[]>;
    const rsCount = Math.max(
      wants('http') ? config.httpPool : 0,
      wants('verify') ? config.verifyPool : 0,
      1,
    );
    for (const [alg, count] of [
      ['RS256', rsCount],
      ['ES256', wants('verify') ? config.verifyPool : 1],
    ] as const) {
      const t = performance.now();
      pools[alg] = await mintPool(issuer, alg, count);
      mintSeconds[`${count.toLocaleString('en-US')} ${alg}`] = (performance.now() - t) / 1000;
      log(`minted ${count} ${alg} tokens in ${seconds(t)}`);
    }
    if (wants('verify')) {
      const t = performance.now();
      log('verify (in-process)');
      const rsPool = pools.RS256.slice(0, config.verifyPool);
      const section = await runVerifySection(
        config,
        issuer,
        { RS256: rsPool, ES256: pools.ES256 },
        log,
      );
      results.verify = section.results;
      failures.push(...section.failures);
      log(`  ${seconds(t)}`);
    }
    if (wants('http')) {
      const t = performance.now();
      log('HTTP');
      const section = await runHttpSection(
        config,
        issuer,
        pools.RS256.slice(0, config.httpPool),
        log,
        HTTP_CONTENDERS.filter((c) => frameworks === null || frameworks.has(c.framework)),
      );
      results.http = section.results;
      failures.push(...section.failures);
      warnings.push(...section.warnings);
      placements = section.placements;
      log(`  ${seconds(t)}`);
    }
  } finally {
    await issuer.close();
  }
  if (wants('growth')) {
    const t = performance.now();
    log('cost growth');
    const section = await runGrowthSection(config, log);
    results.growth = section.results;
    failures.push(...section.failures);
    log(`  ${seconds(t)}`);
  }
  if (wants('memory')) {
    const t = performance.now();
    log('memory');
    const section = await runMemorySection(config);
    results.memory = section.results;
    failures.push(...section.failures);
    log(`  ${seconds(t)}`);
  }

  const checks = checkTargets(results);
  const tables = [
    verifyTable(results.verify),
    httpTable(results.http),
    growthTable(results.growth),
    memoryTable(results.memory),
    // Smoke pools are smaller than Gatehouse's cache and rounds are short: no verdicts.
    config.smoke ? [] : targetTable(checks),
  ].filter((t) => t.length > 1);
  if (config.smoke)
    log('smoke run: figures only prove the harness works; targets are judged by the full run\n');
  log('');
  for (const table of tables) log(`${textTable(table)}\n`);
  const problems = [
    ...failures.map((f) => `FAILURE: ${f}`),
    ...warnings.map((w) => `warning: ${w}`),
  ];
  for (const problem of problems) log(problem);

  const loadAfter = loadavg();
  const meta: RunMeta = {
    date: new Date().toISOString(),
    node: process.version,
    os: `${type()} ${release()}`,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cpus: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    loadBefore,
    loadAfter,
    busy: Math.max(loadBefore[0]!, loadBefore[1]!) > 0.5,
    minutes: (performance.now() - started) / 60_000,
    mintSeconds,
    placements,
  };
  const json = JSON.stringify(
    { meta, config, results, targets: checks, failures, warnings },
    null,
    2,
  );
  const complete = !partial && !config.smoke;
  await writeFile(new URL(complete ? 'latest.json' : 'smoke.tmp.json', RESULTS), `${json}\n`);
  if (complete) {
    await writeFile(
      DOC,
      performanceDoc(
        config,
        meta,
        results,
        checks,
        problems,
        await readProfile(),
        await readSaved<DpopSummary>('dpop.json'),
        await readSaved<InstancesSummary>('instances.json'),
      ),
    );
    log('wrote bench/results/latest.json and docs/performance.md');
  }
  log(
    `done in ${meta.minutes.toFixed(1)} min; ${checks.filter((c) => c.pass).length}/${checks.length} targets met; ${failures.length} failures`,
  );
  process.exitCode = failures.length > 0 ? 1 : 0;
}

main().catch((error: Error) => {
  console.error(error);
  process.exitCode = 1;
});
