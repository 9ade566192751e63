import { describe, expect, it } from 'vitest';
import { checkTimeClaims, type TimeRules } from '../src/claims.js';
import type { JwtClaims } from '../src/types.js';

// `checkTimeClaims` is a pure function of the claims and the instant; its window is what the
// verified-token cache keeps a verification for, so the window must be exactly the set of instants
// at which the rules accept the token (RFC 7519 §4.1.4–4.1.6), no wider and no narrower.

const TOLERANCE = 5_000;
const rules = (nowMs: number, maxTokenAgeMs?: number): TimeRules => ({
  nowMs,
  toleranceMs: TOLERANCE,
  maxTokenAgeMs,
});

/** 'accepted', or the refusal's reason and description. */
function judge(claims: JwtClaims, nowMs: number, maxTokenAgeMs?: number) {
  try {
    checkTimeClaims(claims, rules(nowMs, maxTokenAgeMs));
    return 'accepted';
  } catch (error) {
    const { code, reason, description } = error as Record<string, string>;
    return { code, reason, description };
  }
}

const refused = (reason: string) => expect.objectContaining({ code: 'invalid_token', reason });

describe('checkTimeClaims: the window is every rule solved for "now"', () => {
  it.each([
    // nbf later than iat: nbf decides where the window starts
    [{ exp: 2_000, nbf: 1_500, iat: 1_400 }, undefined, 1_495_000, 2_005_000],
    // iat later than nbf: iat decides
    [{ exp: 2_000, nbf: 1_400, iat: 1_500 }, undefined, 1_495_000, 2_005_000],
    [{ exp: 2_000, nbf: 1_500 }, undefined, 1_495_000, 2_005_000],
    [{ exp: 2_000, iat: 1_500 }, undefined, 1_495_000, 2_005_000],
    [{ exp: 2_000 }, undefined, Number.NEGATIVE_INFINITY, 2_005_000],
    // maxTokenAge ends the window first: iat + tolerance + age is still accepted, 1 ms later not
    [{ exp: 2_000, iat: 1_000 }, 60_000, 995_000, 1_065_001],
    // exp ends the window first
    [{ exp: 1_050, iat: 1_000 }, 60_000, 995_000, 1_055_000],
  ] as [JwtClaims & { exp: number }, number | undefined, number, number][])(
    '%j, maxTokenAge %s ms: from %d until %d',
    (claims, maxAge, fromMs, untilMs) => {
      const now = 1_500_000 < untilMs ? 1_500_000 : 1_000_000;
      expect(checkTimeClaims(claims, rules(now, maxAge))).toEqual({ fromMs, untilMs });
      // and the window is where the rules accept, to the millisecond
      if (fromMs !== Number.NEGATIVE_INFINITY) {
        expect(judge(claims, fromMs, maxAge)).toBe('accepted');
        expect(judge(claims, fromMs - 1, maxAge)).toEqual(
          refused(
            claims.nbf !== undefined && claims.nbf * 1000 - TOLERANCE === fromMs
              ? 'not_yet_valid'
              : 'issued_in_future',
          ),
        );
      }
      expect(judge(claims, untilMs - 1, maxAge)).toBe('accepted');
      expect(judge(claims, untilMs, maxAge)).toEqual(
        refused(untilMs === claims.exp * 1000 + TOLERANCE ? 'expired' : 'too_old'),
      );
    },
  );

  it('rounds a fractional iat down to the last whole millisecond the age rule accepts', () => {
    // iat * 1000 + tolerance + age = 1_065_000.4: 1_065_000 is accepted, 1_065_001 is not.
    const claims = { exp: 2_000, iat: 1_000.0004 };
    expect(checkTimeClaims(claims, rules(1_000_000, 60_000)).untilMs).toBe(1_065_001);
    expect(judge(claims, 1_065_000, 60_000)).toBe('accepted');
    expect(judge(claims, 1_065_001, 60_000)).toEqual(refused('too_old'));
  });
});

describe('checkTimeClaims: refusals name the rule and, where there is one, the number', () => {
  it.each([
    [{ exp: 2_000 }, 2_010_400, undefined, 'expired', 'the token expired 10 s ago'],
    [
      { exp: 2_000, nbf: 1_500 },
      1_400_000,
      undefined,
      'not_yet_valid',
      'the token is not valid for another 100 s',
    ],
    [
      { exp: 2_000, iat: 1_500 },
      1_400_000,
      undefined,
      'issued_in_future',
      'the token was issued in the future',
    ],
    [
      { exp: 2_000, iat: 1_000 },
      1_100_000,
      60_000,
      'too_old',
      'the token was issued more than 60 s ago',
    ],
    [{ iat: 1_000 }, 1_000_000, undefined, 'missing_claim', 'the token has no "exp" claim'],
    [{ exp: 2_000 }, 1_000_000, 60_000, 'missing_claim', 'the token has no "iat" claim'],
    [{ exp: Infinity }, 1_000_000, undefined, 'invalid_claim', 'the "exp" claim is not a number'],
    [
      { exp: 2_000, nbf: NaN },
      1_000_000,
      undefined,
      'invalid_claim',
      'the "nbf" claim is not a number',
    ],
    [
      { exp: 2_000, iat: '1000' },
      1_000_000,
      undefined,
      'invalid_claim',
      'the "iat" claim is not a number',
    ],
  ] as [Record<string, unknown>, number, number | undefined, string, string][])(
    '%j at %d ms (maxTokenAge %s): %s',
    (claims, now, maxAge, reason, description) => {
      expect(judge(claims, now, maxAge)).toEqual({ code: 'invalid_token', reason, description });
    },
  );

  it('needs iat only with maxTokenAge', () => {
    expect(judge({ exp: 2_000 }, 1_000_000)).toBe('accepted');
  });
});
