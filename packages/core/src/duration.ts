/**
 * Durations in options: a number of seconds, or a string such as `'30s'`, `'10m'`, `'1.5h'`,
 * `'2 days'`. Parsed once at construction into milliseconds for internal use.
 */
export type Duration = number | string;

const UNIT_SECONDS: Record<string, number> = {
  ms: 0.001,
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
};

const PATTERN = /^(\d+(?:\.\d+)?)\s*([a-z]+)?$/i;

/** Seconds for a duration, or `undefined` when it cannot be parsed or is negative. */
export function parseDurationSeconds(value: Duration): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = PATTERN.exec(value.trim());
  if (!match) return undefined;
  const unit = match[2]?.toLowerCase() ?? 's';
  // Own keys only: `'5 constructor'` must not find Object.prototype's members.
  if (!Object.hasOwn(UNIT_SECONDS, unit)) return undefined;
  const seconds = Number(match[1]) * (UNIT_SECONDS[unit] as number);
  return Number.isFinite(seconds) ? seconds : undefined;
}
