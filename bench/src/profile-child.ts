import { readFile } from 'node:fs/promises';
import { createVerifier } from '@gatehouse/core';

/**
 * Profiled process (`--cpu-prof`): Gatehouse core with default options (cache on) verifying
 * distinct RS256 tokens one at a time for the given seconds. Tokens are minted by the parent, so
 * the profile holds verification, not signing.
 */
async function main() {
  const [file, seconds] = process.argv.slice(2);
  const { issuer, audience, tokens } = JSON.parse(await readFile(file!, 'utf8')) as {
    issuer: string;
    audience: string;
    tokens: string[];
  };
  const verifier = createVerifier({ issuer, audience });
  await verifier.verify(tokens[0]!);
  // Same monotonic clock as the profile's timestamps: the parent skips samples taken before.
  const loopStartMicros = Number(process.hrtime.bigint() / 1000n);
  const end = performance.now() + Number(seconds) * 1000;
  let calls = 0;
  let index = 0;
  while (performance.now() < end) {
    for (let k = 0; k < 32; k++) {
      await verifier.verify(tokens[index]!);
      if (++index === tokens.length) index = 0;
    }
    calls += 32;
  }
  process.send?.({ calls, loopStartMicros });
}

main().catch((error: Error) => {
  process.send?.({ error: error.message });
  process.exitCode = 1;
});
