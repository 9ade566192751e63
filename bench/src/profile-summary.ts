import { fileURLToPath } from 'node:url';

/** The parts of a V8 .cpuprofile the summary reads. */
export interface CpuProfile {
  startTime: number;
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** file:///…/node_modules/.pnpm/x@1/node_modules/x/a.js:3 -> x/a.js:3; repo files relative. */
function shortLocation(url: string, line: number): string {
  if (!url) return '';
  const path = url
    .replace(/^file:\/\//, '')
    .replace(ROOT, '')
    .replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
  return `${path}:${line + 1}`;
}

/**
 * Self time per function (by name and location) of the samples taken at or after `fromMicros`
 * (the profile's own monotonic clock), largest first; `all` is the total in microseconds.
 */
export function selfTimes(profile: CpuProfile, fromMicros: number) {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const totals = new Map<string, { function: string; location: string; micros: number }>();
  let all = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i] ?? 0;
    at += micros;
    if (at < fromMicros) return;
    all += micros;
    const frame = frames.get(id)!;
    const location = shortLocation(frame.url, frame.lineNumber);
    const key = `${frame.functionName}@${location}`;
    const entry = totals.get(key) ?? {
      function: frame.functionName || '(anonymous)',
      location,
      micros: 0,
    };
    entry.micros += micros;
    totals.set(key, entry);
  });
  return { all, top: [...totals.values()].sort((a, b) => b.micros - a.micros) };
}

/** Which part of the stack a location belongs to: a package, the repo's code, node or V8. */
export function ownerOf(location: string, name: string): string {
  if (!location) return name.startsWith('(') ? name : 'V8 / native';
  if (location.startsWith('node:')) return 'node internals';
  const gatehouse = /^packages\/([^/]+)\//.exec(location);
  if (gatehouse) return `@gatehouse/${gatehouse[1]}`;
  if (location.startsWith('bench/')) return 'bench harness';
  const scoped = /^(@[^/]+\/[^/]+|[^/]+)\//.exec(location);
  return scoped ? scoped[1]! : location;
}

/** Self time summed per owner (see `ownerOf`), largest first. */
export function selfTimesByOwner(top: { function: string; location: string; micros: number }[]) {
  const owners = new Map<string, number>();
  for (const t of top) {
    const owner = ownerOf(t.location, t.function);
    owners.set(owner, (owners.get(owner) ?? 0) + t.micros);
  }
  return [...owners.entries()].sort((a, b) => b[1] - a[1]);
}
