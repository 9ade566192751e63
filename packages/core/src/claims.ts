import { readClaim } from './claim-path.js';
import { invalidToken } from './errors.js';
import type { JwtClaims } from './types.js';

/**
 * Rules on claim values, by claim name:
 * - a string, number, boolean or null: the claim must equal it (`{ tenant: 'acme' }`);
 * - `{ includes: v }` or `{ includes: [v, w] }`: the claim (an array, or a space-separated
 *   string) must contain every value (`{ roles: { includes: 'admin' } }`);
 * - a predicate `(value, claims) => boolean` that returns true to accept.
 * A claim that is absent fails every rule except a predicate that accepts `undefined`.
 */
export type ClaimRule =
  | string
  | number
  | boolean
  | null
  | { includes: string | number | (string | number)[] }
  | ((value: unknown, claims: JwtClaims) => boolean);

export type ClaimRules = Record<string, ClaimRule>;

/** The time-based checks: numeric dates, in milliseconds, tolerant by `toleranceMs`. */
export interface TimeRules {
  nowMs: number;
  toleranceMs: number;
  maxTokenAgeMs: number | undefined;
}

/**
 * The instants at which `checkTimeClaims` accepts a token: `fromMs <= now < untilMs`. Whoever
 * keeps a verification (the token cache) keeps it only inside this window.
 */
export interface TimeWindow {
  fromMs: number;
  untilMs: number;
}

/**
 * RFC 7519 §4.1.4–4.1.6: `exp` is required and must be in the future; `nbf` and `iat`, when
 * present, must not be in the future; with `maxTokenAgeMs`, `iat` is required and bounded.
 * All numeric dates must be finite numbers (seconds since the epoch).
 *
 * Returns the window in which every one of these rules accepts the token, so a later instant can
 * be judged without running them again; throws for the first rule that refuses it at `nowMs`.
 */
export function checkTimeClaims(claims: JwtClaims, rules: TimeRules): TimeWindow {
  const { nowMs, toleranceMs, maxTokenAgeMs } = rules;
  const exp = numericDate(claims, 'exp', true) as number;
  const nbf = numericDate(claims, 'nbf', false);
  const iat = numericDate(claims, 'iat', maxTokenAgeMs !== undefined);
  // Each bound is the rule's own comparison solved for "now"; `now` is a whole number of ms.
  const window: TimeWindow = {
    fromMs: Math.max(
      nbf === undefined ? Number.NEGATIVE_INFINITY : nbf * 1000 - toleranceMs,
      iat === undefined ? Number.NEGATIVE_INFINITY : iat * 1000 - toleranceMs,
    ),
    untilMs: Math.min(
      exp * 1000 + toleranceMs,
      maxTokenAgeMs === undefined
        ? Number.POSITIVE_INFINITY
        : Math.floor((iat as number) * 1000 + toleranceMs + maxTokenAgeMs) + 1,
    ),
  };
  if (nowMs >= exp * 1000 + toleranceMs) {
    throw invalidToken('expired', `the token expired ${Math.round(nowMs / 1000 - exp)} s ago`);
  }
  if (nbf !== undefined && nowMs < nbf * 1000 - toleranceMs) {
    throw invalidToken(
      'not_yet_valid',
      `the token is not valid for another ${Math.round(nbf - nowMs / 1000)} s`,
    );
  }
  if (iat !== undefined && nowMs < iat * 1000 - toleranceMs) {
    throw invalidToken('issued_in_future', 'the token was issued in the future');
  }
  if (nowMs >= window.untilMs) {
    throw invalidToken('too_old', `the token was issued more than ${maxTokenAgeMs! / 1000} s ago`);
  }
  return window;
}

function numericDate(
  claims: JwtClaims,
  name: 'exp' | 'nbf' | 'iat',
  required: boolean,
): number | undefined {
  const value = claims[name];
  if (value === undefined) {
    if (required) throw invalidToken('missing_claim', `the token has no "${name}" claim`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalidToken('invalid_claim', `the "${name}" claim is not a number`);
  }
  return value;
}

/**
 * RFC 7519 §4.1.3: `aud` (string or array) must name at least one accepted audience. With
 * `claim` (the `audienceClaim` option, e.g. `client_id` for Cognito), that claim is read instead.
 */
export function checkAudience(
  claims: JwtClaims,
  accepted: ReadonlySet<string>,
  claim = 'aud',
): void {
  const aud = claim === 'aud' ? claims.aud : readClaim(claims, claim);
  if (
    typeof aud === 'string'
      ? accepted.has(aud)
      : Array.isArray(aud) && aud.some((a) => accepted.has(a))
  ) {
    return;
  }
  throw aud === undefined
    ? invalidToken('missing_claim', `the token has no "${safeName(claim)}" claim`)
    : invalidToken('audience_mismatch', 'the token is not meant for this audience');
}

/** Every claim in `names` (claim paths) must be present (not undefined or null). */
export function checkRequiredClaims(claims: JwtClaims, names: readonly string[]): void {
  for (const name of names) {
    const value = readClaim(claims, name);
    if (value === undefined || value === null) {
      throw invalidToken('missing_claim', `the token has no "${safeName(name)}" claim`);
    }
  }
}

/** Applies `ClaimRules` (none: nothing to check); the first failing rule names its claim. */
export function checkClaimRules(claims: JwtClaims, rules: ClaimRules | undefined): void {
  for (const name in rules) {
    if (!matchesRule(readClaim(claims, name), rules[name] as ClaimRule, claims)) {
      throw invalidToken(
        'claim_mismatch',
        `the "${safeName(name)}" claim does not have an accepted value`,
      );
    }
  }
}

/** True when `value` satisfies `rule` (see `ClaimRule`). A throwing predicate counts as a refusal. */
export function matchesRule(value: unknown, rule: ClaimRule, claims: JwtClaims): boolean {
  if (typeof rule === 'function') {
    try {
      return rule(value, claims) === true;
    } catch {
      return false;
    }
  }
  if (rule !== null && typeof rule === 'object') {
    const members =
      typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : undefined;
    const wanted = Array.isArray(rule.includes) ? rule.includes : [rule.includes];
    return members !== undefined && wanted.every((w) => members.includes(w));
  }
  return value === rule;
}

// Claim names come from configuration, but keep descriptions header-safe regardless.
const safeName = (name: string) => name.replace(/[^\w:.-]/g, '?').slice(0, 64);
