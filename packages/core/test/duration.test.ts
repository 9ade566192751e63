import { describe, expect, it } from 'vitest';
import { parseDurationSeconds } from '../src/duration.js';

describe('parseDurationSeconds', () => {
  it.each([
    [30, 30],
    [0, 0],
    [1.5, 1.5],
    ['30s', 30],
    ['30', 30],
    ['500ms', 0.5],
    ['10m', 600],
    ['10 min', 600],
    ['1.5h', 5400],
    ['2 days', 172_800],
    ['24H', 86_400],
  ])('%j → %d s', (input, seconds) => {
    expect(parseDurationSeconds(input)).toBe(seconds);
  });

  it.each([
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    'abc',
    '10 parsecs',
    '-5s',
    '1e3s',
    '5 constructor',
    '5 toString',
    '5 __proto__',
    `${'9'.repeat(400)}d`,
  ])('refuses %j', (input) => {
    expect(parseDurationSeconds(input)).toBeUndefined();
  });
});
