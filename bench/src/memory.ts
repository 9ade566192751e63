import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchConfig } from './config.js';
import type { MemoryReport } from './memory-child.js';

/** RSS and heap growth of one flood, measured from the sample before it. */
export interface MemoryResult {
  flood: 'invalid (random)' | 'valid (distinct)';
  tokens: number;
  rssGrowth: number;
  heapGrowth: number;
  seconds: number;
  wrongDecisions: number;
}

const CHILD = fileURLToPath(new URL('./memory-child.ts', import.meta.url));

/**
 * Memory under floods, in a fresh child process with `--expose-gc` so nothing else the run holds
 * (token pools, servers) is counted.
 */
export async function runMemorySection(
  config: BenchConfig,
): Promise<{ results: MemoryResult[]; failures: string[] }> {
  const child = fork(CHILD, [JSON.stringify([config.floodSize, config.floodWarmup])], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
  });
  const message = await new Promise<MemoryReport | { error: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as MemoryReport | { error: string }));
    child.once('exit', (code) => reject(new Error(`memory child exited with ${code}`)));
  }).catch((error: Error) => ({ error: error.message }));
  child.kill();
  if ('error' in message) return { results: [], failures: [`memory: ${message.error}`] };
  const { baseline, afterInvalid, afterValid } = message;
  const results: MemoryResult[] = [
    {
      flood: 'invalid (random)',
      tokens: config.floodSize,
      rssGrowth: afterInvalid.rss - baseline.rss,
      heapGrowth: afterInvalid.heapUsed - baseline.heapUsed,
      seconds: message.invalidSeconds,
      wrongDecisions: message.invalidAccepted,
    },
    {
      flood: 'valid (distinct)',
      tokens: config.floodSize,
      rssGrowth: afterValid.rss - afterInvalid.rss,
      heapGrowth: afterValid.heapUsed - afterInvalid.heapUsed,
      seconds: message.validSeconds,
      wrongDecisions: message.validRejected,
    },
  ];
  const failures = results
    .filter((r) => r.wrongDecisions > 0)
    .map((r) => `memory: ${r.wrongDecisions} wrong decisions in the ${r.flood} flood`);
  return { results, failures };
}
