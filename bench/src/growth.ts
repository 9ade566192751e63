import { createVerifier, type Verifier } from '@gatehouse/core';
import { createTestIssuer } from '@gatehouse/testing';
import type { BenchConfig } from './config.js';
import { type BenchIssuer, mintPool } from './fixtures.js';
import { opsOneAtATime } from './in-process/measure.js';
import { median, pairedRatio } from './stats.js';

/** Gatehouse throughput (calls per CPU second) at one point of a growth curve. */
export interface GrowthResult {
  dimension: 'keys in the JWKS' | 'trusted issuers';
  count: number;
  workload: 'distinct, cache off' | 'repeated, cache on';
  opsPerSec: number;
  rounds: number[];
  /** Against the first point (1 key / 1 issuer) of the same workload. */
  vsFirst: number;
}

/** The default refuses JWKS over 100 keys; the curve goes to 1,000, so every point raises it. */
const KEY_FETCH = { maxKeys: 1000, maxBytes: 2 * 1024 * 1024 };

interface Point {
  dimension: GrowthResult['dimension'];
  count: number;
  cached: Verifier;
  uncached: Verifier;
  tokens: string[];
  distinct: number[];
  repeated: number[];
}

/**
 * An issuer publishing `count` keys with the RS256 signer LAST (worst case for a linear key
 * search); ES256 filler keys because RSA key generation is slow.
 */
async function issuerWithKeys(count: number): Promise<{ issuer: BenchIssuer; kid: string }> {
  if (count === 1) {
    const issuer = (await createTestIssuer({ algorithms: ['RS256'] })) as BenchIssuer;
    return { issuer, kid: issuer.keys[0]!.kid };
  }
  const issuer = (await createTestIssuer({ algorithms: ['ES256'] })) as BenchIssuer;
  for (let i = 0; i < count - 2; i++) await issuer.addKey('ES256');
  const { kid } = (await issuer.addKey('RS256')) as { kid: string };
  return { issuer, kid };
}

function verifiers(issuers: string[], audience: string) {
  const base = { issuer: issuers, audience, keyFetch: KEY_FETCH };
  return { cached: createVerifier(base), uncached: createVerifier({ ...base, cache: false }) };
}

/**
 * Cost growth: Gatehouse throughput (RS256, one call at a time) as the JWKS grows from 1 to 1,000
 * keys and the trusted issuers from 1 to 10. Distinct tokens with the cache off measure the
 * signature path; one repeated token with the cache on measures the cache-hit path.
 */
export async function runGrowthSection(
  config: BenchConfig,
  log: (line: string) => void,
): Promise<{ results: GrowthResult[]; failures: string[] }> {
  const failures: string[] = [];
  const points: Point[] = [];
  const opened: BenchIssuer[] = [];
  try {
    for (const count of config.keyCounts) {
      const { issuer, kid } = await issuerWithKeys(count);
      opened.push(issuer);
      const tokens = await mintPool(issuer, 'RS256', config.growthPool, { kid });
      points.push({
        dimension: 'keys in the JWKS',
        count,
        ...verifiers([issuer.url], issuer.audience),
        tokens,
        distinct: [],
        repeated: [],
      });
    }
    const most = Math.max(...config.issuerCounts);
    const issuers: BenchIssuer[] = [];
    for (let i = 0; i < most; i++) {
      issuers.push((await createTestIssuer({ algorithms: ['RS256'] })) as BenchIssuer);
    }
    opened.push(...issuers);
    // Issuer i is needed for every count > i; it mints its share of the largest such pool.
    const minted = await Promise.all(
      issuers.map((issuer, i) => {
        const smallest = Math.min(...config.issuerCounts.filter((c) => c > i));
        return mintPool(issuer, 'RS256', Math.ceil(config.growthPool / smallest));
      }),
    );
    for (const count of config.issuerCounts) {
      const share = Math.ceil(config.growthPool / count);
      const tokens: string[] = [];
      for (let k = 0; k < share; k++) for (let i = 0; i < count; i++) tokens.push(minted[i]![k]!);
      const audience = issuers[0]!.audience;
      points.push({
        dimension: 'trusted issuers',
        count,
        ...verifiers(
          issuers.slice(0, count).map((i) => i.url),
          audience,
        ),
        tokens,
        distinct: [],
        repeated: [],
      });
    }
    // Warm every verifier (discovery + JWKS) before anything is timed.
    for (const point of points) {
      for (const token of point.tokens) await point.uncached.verify(token);
      await point.cached.verify(point.tokens[0]!);
    }
    for (let round = -1; round < config.verifyRounds; round++) {
      if (round >= 0) log(`  round ${round + 1}/${config.verifyRounds}`);
      const ms = round < 0 ? config.warmupMs : config.growthMs;
      for (let k = 0; k < points.length; k++) {
        const point = points[(k + Math.max(round, 0)) % points.length]!;
        const distinct = await opsOneAtATime(
          {
            name: 'uncached',
            async: true,
            checksClaims: true,
            verify: (t) => point.uncached.verify(t),
          },
          point.tokens,
          ms,
        );
        const repeated = await opsOneAtATime(
          {
            name: 'cached',
            async: true,
            checksClaims: true,
            verify: (t) => point.cached.verify(t),
          },
          [point.tokens[0]!],
          ms,
        );
        if (round >= 0) {
          point.distinct.push(distinct.cpu);
          point.repeated.push(repeated.cpu);
        }
      }
    }
  } catch (error) {
    failures.push(`growth: ${(error as Error).message}`);
  } finally {
    await Promise.all(opened.map((i) => i.close()));
  }

  const results: GrowthResult[] = [];
  for (const workload of ['distinct, cache off', 'repeated, cache on'] as const) {
    const key = workload === 'distinct, cache off' ? 'distinct' : 'repeated';
    for (const dimension of ['keys in the JWKS', 'trusted issuers'] as const) {
      const line = points.filter((p) => p.dimension === dimension);
      for (const point of line) {
        const opsPerSec = median(point[key]);
        results.push({
          dimension,
          count: point.count,
          workload,
          opsPerSec,
          rounds: point[key].map(Math.round),
          vsFirst: pairedRatio(point[key], line[0]?.[key] ?? []),
        });
      }
    }
  }
  return { results, failures };
}
