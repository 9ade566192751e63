import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningApp } from './app-shared.js';
import { FRAMEWORKS } from './apps.js';
import { parseChallenge } from './challenge.js';
import { createFixture, type Fixture, REALM, TOKENS } from './fixture.js';
import { ROWS, type Row } from './table.js';

// The "guard without requireAuth" row makes Gatehouse emit its process warning on purpose. It
// is captured here and asserted below, so the output carries no warning a reader must ignore;
// any other warning is emitted as usual.
const GUARD_WARNING = 'GATEHOUSE_GUARD_WITHOUT_AUTH';
const guardWarnings: string[] = [];
const emitWarning = process.emitWarning.bind(process);
beforeAll(() => {
  vi.spyOn(process, 'emitWarning').mockImplementation(((warning, options, ...rest) => {
    if (typeof options === 'object' && options?.code === GUARD_WARNING) {
      guardWarnings.push(String(warning));
    } else {
      (emitWarning as (...args: unknown[]) => void)(warning, options, ...rest);
    }
  }) as typeof process.emitWarning);
});
afterAll(() => vi.restoreAllMocks());

// One table (table.ts), every framework: the same request must get the same answer.
describe.each(FRAMEWORKS)('$name', ({ start }) => {
  let fixture: Fixture;
  let app: RunningApp;

  beforeAll(async () => {
    fixture = await createFixture();
    app = await start(fixture);
  });
  afterAll(async () => {
    await app?.close();
    await fixture?.close();
  });

  it.each(ROWS)('$name', async (row) => {
    const token = row.token ? await TOKENS[row.token](fixture) : undefined;
    const headers = headerValues(row, token);
    const jwksRequests = fixture.issuer.requests.jwks;
    if (row.jwksDown) {
      // Warm the key cache with this very token's issuer; the warm-up must itself succeed.
      expect((await send(app, row, headers)).status).toBe(200);
      fixture.issuer.setFault({ type: 'down' });
      // Past the keys' max-age (600 s), so the next request makes the verifier contact the
      // downed issuer instead of answering from fresh keys. Only `Date` moves.
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(Date.now() + 700_000);
    }
    try {
      const fresh = row.jwksDown ? headerValues(row, await TOKENS[row.token!](fixture)) : headers;
      for (let sent = 0; sent < (row.repeat ?? 1); sent++) {
        const before = fixture.rejections.length;
        const response = await send(app, row, fresh);
        check(row, response, token);
        checkReason(row, response, fixture.rejections.slice(before));
      }
      if (row.jwksDown) {
        await expect
          .poll(() => fixture.issuer.requests.jwks, { timeout: 5_000 })
          .toBeGreaterThan(jwksRequests);
      }
    } finally {
      if (row.jwksDown) {
        vi.useRealTimers();
        fixture.issuer.setFault(null);
      }
    }
  });
});

describe('process warnings', () => {
  it('the guard-without-auth row raised its warning once per process, naming the fix', () => {
    expect(guardWarnings).toHaveLength(1);
    expect(guardWarnings[0]).toMatch(/ran before requireAuth\(\).*Put requireAuth\(\)/);
  });
});

/**
 * The refusal `reason` of the row: every refusal row names one. The verifier's own refusals are
 * read from its `token_rejected` events (exactly one per refused request); refusals made after
 * it accepted (guards, `resolveUser`) or by an adapter around a verifier of one's own leave no
 * event, and are read from the app's error handler when it got the error (`handledBy: 'app'`).
 */
function checkReason(row: Row, response: request.Response, rejections: string[]): void {
  const { expect: want } = row;
  const gatehouseRefusal =
    want.status >= 400 &&
    want.status !== 431 &&
    want.error !== 'resolver_failure' &&
    want.error !== 'app_error';
  if (!gatehouseRefusal) {
    expect(rejections).toEqual([]);
    return;
  }
  expect(want.reason, 'every refusal row pins its reason').toBeDefined();
  expect(rejections).toEqual(want.refusedBy === undefined ? [want.reason] : []);
  if (want.handledBy === 'app') expect(response.body.reason).toBe(want.reason);
}

function headerValues(row: Row, token: string | undefined): string[] {
  if (row.header === null) return [];
  const template = row.header ?? 'Bearer {token}';
  return (Array.isArray(template) ? template : [template]).map((value) =>
    value.replaceAll('{token}', token ?? ''),
  );
}

function send(app: RunningApp, row: Row, headers: string[]) {
  const path =
    row.route === 'public'
      ? '/public'
      : row.route === 'unguarded'
        ? '/unguarded/scoped'
        : `/${row.variant ?? 'default'}/${row.route ?? 'protected'}`;
  const req = request(app.url).get(path).timeout(10_000);
  if (headers.length === 1) req.set('Authorization', headers[0]!);
  // superagent sends an array as repeated header lines; its types only admit that for Cookie.
  if (headers.length > 1) req.set('Authorization', headers as unknown as string);
  return req.ok(() => true);
}

function check(row: Row, response: request.Response, token: string | undefined): void {
  const { expect: want } = row;
  expect(response.status).toBe(want.status);
  if (want.status === 431) return; // answered by Node's HTTP parser, no app code ran
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.body as Record<string, unknown>;
  if (want.status === 200) {
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(body.sub).toBe(want.sub);
    if ('user' in want) expect(body.user).toEqual(want.user);
    return;
  }
  expect(body.error).toBe(want.error);
  expect(body.handledBy).toBe(want.handledBy);
  if (token) expect(response.text).not.toContain(token);
  if (want.handledBy === undefined) expect(typeof body.error_description).toBe('string');
  // Gatehouse's refusals are no-store; a resolver's own error is the app's to answer.
  if (want.error !== 'resolver_failure' && want.error !== 'app_error')
    expect(response.headers['cache-control']).toBe('no-store');
  if (want.status === 503)
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  else expect(response.headers['retry-after']).toBeUndefined();

  const header = response.headers['www-authenticate'] as string | undefined;
  if (want.challenge === null || want.challenge === undefined) {
    expect(header).toBeUndefined();
  } else if (typeof want.challenge === 'string') {
    expect(header).toBe(want.challenge);
  } else {
    const challenge = parseChallenge(header ?? '');
    expect(challenge.scheme).toBe('Bearer');
    expect(challenge.params.realm).toBe(REALM);
    expect(challenge.params.error).toBe(want.challenge.error);
    expect(challenge.params.error_description).toMatch(/\S/);
    expect(challenge.params.scope).toBe(want.challenge.scope);
  }
}
