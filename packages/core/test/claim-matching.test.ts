import { describe, expect, it } from 'vitest';
import { type ClaimRule, checkAudience, matchesRule } from '../src/claims.js';
import type { JwtClaims } from '../src/types.js';

// The claim matchers of claims.ts as pure functions, case by case; claims.test.ts runs them
// through a real verifier.

describe('matchesRule (pure)', () => {
  const claims = { tenant: 'acme' };
  it.each([
    ['a predicate must return true itself, not a truthy value', 'x', () => 1, false],
    ['a predicate returning true accepts', 'x', () => true, true],
    [
      'a predicate sees every claim',
      undefined,
      (_: unknown, c: JwtClaims) => c.tenant === 'acme',
      true,
    ],
    ['null equals null only', null, null, true],
    ['null is not an absent claim', undefined, null, false],
    ['null is not "null"', 'null', null, false],
    ['equality is strict', 0, false, false],
    ['includes: a number claim has no members', 42, { includes: 42 }, false],
    ['includes: an object claim has no members', { a: 'a' }, { includes: 'a' }, false],
    ['includes: an absent claim has no members', undefined, { includes: 'a' }, false],
    ['includes: space-separated words', 'a b', { includes: 'b' }, true],
    ['includes: not a substring', 'ab', { includes: 'b' }, false],
    ['includes: numbers in arrays', [3, 4], { includes: [4, 3] }, true],
    ['includes: every value', [3], { includes: [3, 4] }, false],
    ['includes: a single value', ['x'], { includes: 'y' }, false],
    [
      'a throwing predicate refuses',
      'x',
      () => {
        throw new Error('boom');
      },
      false,
    ],
  ] as [string, unknown, ClaimRule, boolean][])('%s', (_, value, rule, expected) => {
    expect(matchesRule(value, rule, claims)).toBe(expected);
  });
});

describe('checkAudience (pure)', () => {
  it('reads aud unless told another claim', () => {
    const accepted = new Set(['https://api.example']);
    expect(() => checkAudience({ aud: 'https://api.example' }, accepted)).not.toThrow();
    expect(() =>
      checkAudience({ aud: 'x', cid: 'https://api.example' }, accepted, 'cid'),
    ).not.toThrow();
    expect(() => checkAudience({ aud: 'https://api.example' }, accepted, 'cid')).toThrow(
      expect.objectContaining({ reason: 'missing_claim' }),
    );
  });
});
