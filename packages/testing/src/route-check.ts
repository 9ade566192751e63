import { setTimeout as sleep } from 'node:timers/promises';
import { createTestIssuer } from './issuer.js';
import { CASES } from './route-check-cases.js';
import type { CaseContext, CheckCase, CheckCategory, Expectation } from './route-check-types.js';
import { bearerChallenge, type RouteAnswer, sendRequest } from './route-request.js';
import { openTarget, type RouteTarget } from './route-target.js';
import type { TestIssuer } from './types.js';

/** Options of {@link checkProtectedRoute}. */
export interface CheckProtectedRouteOptions {
  /** The app under test, configured to trust `issuer` (see `RouteTarget`). */
  app: RouteTarget;
  /** The test issuer the app trusts (`createTestIssuer`). */
  issuer: TestIssuer;
  /** Path of a protected route. Default `'/'`. */
  path?: string;
  /** HTTP method. Default `'GET'`. */
  method?: string;
  /** Claims every minted token carries besides the defaults, e.g. `{ scope: 'read:things' }`. */
  claims?: Record<string, unknown>;
  /**
   * Require the exact RFC 6750 §3 answers (status, `WWW-Authenticate: Bearer` and its `error`).
   * `false`: any 4xx refusal passes the attack and syntax checks. Default `true`.
   */
  rfc6750?: boolean;
  /**
   * Run `cached-then-expired`: a token valid for 2 s is sent three times, then again once it
   * has expired, which takes `2 + clockTolerance + 1` seconds of real time. Default `true`.
   */
  expiry?: boolean;
  /** Clock tolerance of the app, seconds, for `cached-then-expired`. Default 5. */
  clockTolerance?: number;
  /** Per-request timeout, milliseconds. Default 10 000. */
  timeout?: number;
}

/** The outcome of one check. */
export interface CheckResult {
  id: string;
  category: CheckCategory | 'keys';
  /** What was sent, one line. */
  title: string;
  passed: boolean;
  /**
   * `pass`; `accepted` (a 2xx answer to something that must be refused — a hole);
   * `server_error` (5xx, or no answer); `refused` (a valid token refused); `nonconformant`
   * (refused, but not with the RFC 6750 answer).
   */
  outcome: 'pass' | 'accepted' | 'server_error' | 'refused' | 'nonconformant';
  /** One line: what was answered, and what was required. */
  reason: string;
}

/** What {@link checkProtectedRoute} found. */
export interface ProtectedRouteReport {
  /** True when every check passed. */
  passed: boolean;
  results: CheckResult[];
  /** The checks that failed. */
  failures: CheckResult[];
  /** One line, e.g. `checkProtectedRoute GET /me: 33/35 passed; accepted: no-exp, crit`. */
  summary: string;
}

const REQUIRED: Record<Expectation, string> = {
  accepted: '2xx',
  no_credentials: '401 with a Bearer challenge without error',
  invalid_request: '400 with Bearer error="invalid_request"',
  invalid_token: '401 with Bearer error="invalid_token"',
};

/**
 * Runs the attack matrix and the RFC 6750 §3 answers against one protected route of your app
 * and reports each check (pass/fail with a one-line reason) plus a one-line summary. The app
 * must trust `issuer` (its `url` as issuer, its `audience` as audience); `claims` are added to
 * every token so that valid ones pass the route's own guards (scopes…).
 *
 * Checks: a valid token is accepted; no credentials / another scheme → 401 `Bearer`; empty,
 * malformed or two credentials → 400 `invalid_request`; alg none, HS256 keyed with the public
 * key, psychic ECDSA signatures, keys from `jwk`/`jku`/`x5u`, another issuer's key, tampered or
 * stripped signatures, `crit`, `b64: false`, typ confusion, ID and refresh tokens, expired, not
 * yet valid, no `exp`, wrong `aud`/`iss`, JWE, oversized → 401 `invalid_token`; a token accepted
 * (and so perhaps cached) is refused once expired; no URL named by a token is ever fetched.
 * No answer may echo a token or be a 5xx.
 *
 * Does not: throw when checks fail (assert on `report.passed`, print `report.summary`); change
 * the app or the issuer beyond minting; run checks concurrently; work under fake timers.
 */
export async function checkProtectedRoute(
  options: CheckProtectedRouteOptions,
): Promise<ProtectedRouteReport> {
  const method = options.method ?? 'GET';
  const path = options.path ?? '/';
  const timeout = options.timeout ?? 10_000;
  const strict = options.rfc6750 ?? true;
  const { issuer } = options;
  const target = await openTarget(options.app);
  const attacker = await createTestIssuer({ algorithms: [issuer.keys[0]?.alg ?? 'RS256'] });
  const url = new URL(path, target.baseUrl);
  const ctx = caseContext(issuer, attacker, options.claims ?? {});
  const send = (authorization: string[]) => sendRequest(url, method, authorization, timeout);
  const results: CheckResult[] = [];
  try {
    for (const check of CASES) results.push(await runCase(check, ctx, send, strict));
    if (options.expiry ?? true) {
      results.push(await cachedThenExpired(ctx, send, strict, options.clockTolerance ?? 5));
    }
    results.push(noKeyFetch(attacker));
  } finally {
    await attacker.close();
    await target.close();
  }
  const failures = results.filter((result) => !result.passed);
  return {
    passed: failures.length === 0,
    results,
    failures,
    summary: summarize(`${method} ${path}`, results, failures),
  };
}

function caseContext(
  issuer: TestIssuer,
  attacker: TestIssuer,
  claims: Record<string, unknown>,
): CaseContext {
  const valid = (extra: Record<string, unknown> = {}, expiresIn?: number) =>
    issuer.mint({ ...claims, ...extra }, expiresIn === undefined ? {} : { expiresIn });
  return {
    issuer,
    attacker,
    claims,
    valid,
    async validClaims() {
      const payload = (await valid()).split('.')[1]!;
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    },
  };
}

type Send = (authorization: string[]) => Promise<RouteAnswer>;

async function runCase(check: CheckCase, ctx: CaseContext, send: Send, strict: boolean) {
  const authorization = await check.authorization(ctx);
  const answer = await answerOf(send, authorization);
  const head = { id: check.id, category: check.category, title: check.title };
  if (
    check.unknownKid &&
    !(answer instanceof Error) &&
    answer.status === 503 &&
    answer.retryAfter
  ) {
    const reason = 'refused with 503 + Retry-After (a kid the issuer does not publish, yet)';
    return { ...head, passed: true, outcome: 'pass' as const, reason };
  }
  const verdict = judge(check.expect, answer, authorization, strict);
  return { ...head, ...verdict };
}

async function answerOf(send: Send, authorization: string[]): Promise<RouteAnswer | Error> {
  try {
    return await send(authorization);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

function judge(
  expectation: Expectation,
  answer: RouteAnswer | Error,
  authorization: string[],
  strict: boolean,
): Pick<CheckResult, 'passed' | 'outcome' | 'reason'> {
  const required = REQUIRED[expectation];
  if (answer instanceof Error) {
    return { passed: false, outcome: 'server_error', reason: `no answer (${answer.message})` };
  }
  const { status } = answer;
  const fail = (outcome: CheckResult['outcome'], what: string) => ({
    passed: false,
    outcome,
    reason: `${what}; required ${required}`,
  });
  const tokens = authorization.map((value) => value.replace(/^\S+\s*/, '')).filter(Boolean);
  if (tokens.some((token) => token.length > 16 && answer.body.includes(token))) {
    return fail('nonconformant', `answered ${status} echoing the token in its body`);
  }
  if (status >= 500) return fail('server_error', `answered ${status}`);
  const ok = status >= 200 && status < 300;
  if (expectation === 'accepted') {
    return ok
      ? { passed: true, outcome: 'pass', reason: `answered ${status}` }
      : fail('refused', `answered ${status}: does the app trust this issuer, audience and claims?`);
  }
  if (ok) return fail('accepted', `ACCEPTED with ${status}`);
  if (!strict) return { passed: true, outcome: 'pass', reason: `refused with ${status}` };
  const params = bearerChallenge(answer.challenge);
  const [wantStatus, wantError] =
    expectation === 'no_credentials'
      ? [401, undefined]
      : expectation === 'invalid_request'
        ? [400, 'invalid_request']
        : [401, 'invalid_token'];
  const challenge =
    params === undefined
      ? 'no Bearer challenge'
      : params.error === undefined
        ? 'a Bearer challenge without error'
        : `Bearer error="${params.error}"`;
  if (status === wantStatus && params !== undefined && params.error === wantError) {
    return { passed: true, outcome: 'pass', reason: `refused with ${status} and ${challenge}` };
  }
  return fail('nonconformant', `refused with ${status} and ${challenge}`);
}

async function cachedThenExpired(
  ctx: CaseContext,
  send: Send,
  strict: boolean,
  clockTolerance: number,
): Promise<CheckResult> {
  const head = {
    id: 'cached-then-expired',
    category: 'attack' as const,
    title: 'a token accepted three times (cached), sent again once expired',
  };
  const token = await ctx.valid({}, 2);
  const expiresAtMs =
    JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp * 1000;
  for (let sent = 0; sent < 3; sent++) {
    const early = judge('accepted', await answerOf(send, [`Bearer ${token}`]), [], strict);
    if (!early.passed) return { ...head, ...early };
  }
  await sleep(Math.max(0, expiresAtMs + (clockTolerance + 1) * 1000 - Date.now()));
  const late = await answerOf(send, [`Bearer ${token}`]);
  return { ...head, ...judge('invalid_token', late, [`Bearer ${token}`], strict) };
}

function noKeyFetch(attacker: TestIssuer): CheckResult {
  const fetched = attacker.requests.total;
  return {
    id: 'no-key-fetch-from-token',
    category: 'keys',
    title: 'no request reached the URLs that tokens named (jku, x5u)',
    passed: fetched === 0,
    outcome: fetched === 0 ? 'pass' : 'accepted',
    reason:
      fetched === 0
        ? 'the attacker server received no request'
        : `the attacker server received ${fetched} request(s): keys were fetched from a URL a token named`,
  };
}

function summarize(route: string, results: CheckResult[], failures: CheckResult[]): string {
  const passed = results.length - failures.length;
  const groups = (['accepted', 'server_error', 'refused', 'nonconformant'] as const)
    .map((outcome) => {
      const ids = failures.filter((f) => f.outcome === outcome).map((f) => f.id);
      return ids.length ? `${outcome.replace('_', ' ')}: ${ids.join(', ')}` : '';
    })
    .filter(Boolean);
  return `checkProtectedRoute ${route}: ${passed}/${results.length} passed${groups.length ? `; ${groups.join('; ')}` : ''}`;
}
