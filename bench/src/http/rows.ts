import type { Placement, Workload } from '../config.js';
import { median, pairedDifference, pairedRatio } from '../stats.js';
import type { Framework, HttpContender } from './contenders.js';
import type { LoadResult } from './load.js';

/** What one contender measured under one placement and workload, round by round. */
export interface HttpCell {
  contender: HttpContender;
  placement: Placement;
  workload: Workload;
  loads: LoadResult[];
  /** Server CPU µs (user + system, all threads) per answered request, per round. */
  micros: number[];
}

/** One row of the HTTP table. */
export interface HttpResult {
  placement: Placement;
  framework: Framework;
  contender: string;
  kind: HttpContender['kind'];
  workload: Workload;
  reqPerSec: number;
  p99Ms: number;
  /** Server CPU time per answered request, µs (the server process, every thread; median). */
  serverMicrosPerReq: number;
  /** Server CPU µs per request over the bare app's: the median of the per-round differences. */
  addedMicros: number;
  /** This row's added CPU over the floor row's, per round (median of the per-round ratios). */
  addedVsFloor: number;
  non2xx: number;
  errors: number;
  /** req/s per round. */
  rounds: number[];
  /** Server CPU µs per request, per round. */
  microsRounds: number[];
  /** req/s against the bare app's, paired by round. */
  vsBare: number;
  /** req/s against the peer hardest to beat: the lowest paired ratio to any peer (≥ 1: ahead of every peer). */
  vsBestPeer: number;
}

/** Medians and paired comparisons of every cell against its framework's bare, floor and peers. */
export function httpResults(cells: HttpCell[]): HttpResult[] {
  const results: HttpResult[] = cells.map(({ contender, placement, workload, loads, micros }) => ({
    placement,
    framework: contender.framework,
    contender: contender.name,
    kind: contender.kind,
    workload,
    reqPerSec: median(loads.map((l) => l.reqPerSec)),
    p99Ms: median(loads.map((l) => l.p99Ms)),
    serverMicrosPerReq: median(micros),
    addedMicros: Number.NaN,
    addedVsFloor: Number.NaN,
    non2xx: loads.reduce((sum, l) => sum + l.non2xx, 0),
    errors: loads.reduce((sum, l) => sum + l.errors, 0),
    rounds: loads.map((l) => Math.round(l.reqPerSec)),
    microsRounds: micros.map((m) => Math.round(m * 10) / 10),
    vsBare: Number.NaN,
    vsBestPeer: Number.NaN,
  }));
  for (const row of results) {
    if (row.kind === 'bare') continue;
    const same = results.filter(
      (r) =>
        r.framework === row.framework &&
        r.workload === row.workload &&
        r.placement === row.placement,
    );
    const bare = same.find((r) => r.kind === 'bare');
    const floor = same.find((r) => r.kind === 'floor');
    if (bare) {
      row.vsBare = pairedRatio(row.rounds, bare.rounds);
      row.addedMicros = pairedDifference(row.microsRounds, bare.microsRounds);
      if (floor && row.kind !== 'no-op') {
        const added = (r: HttpResult) => r.microsRounds.map((m, i) => m - bare.microsRounds[i]!);
        row.addedVsFloor = pairedRatio(added(row), added(floor));
      }
    }
    const peers = same.filter((r) => r.kind === 'peer');
    if (['gatehouse', 'floor', 'offload'].includes(row.kind) && peers.length > 0) {
      row.vsBestPeer = Math.min(...peers.map((peer) => pairedRatio(row.rounds, peer.rounds)));
    }
  }
  return results;
}
