import { createVerifier, type GatehouseEvent } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunningApp } from './app-shared.js';
import { FRAMEWORKS } from './apps.js';
import { parseChallenge } from './challenge.js';
import type { Fixture } from './fixture.js';

// Rows of the shared table's kind, for the verified-token cache: a token is accepted and cached
// (sent three times: verified, admitted, answered from the cache), then one rule it depends on
// changes, and the next request must get the answer a fresh verification gives — 401.

interface CacheRuleRow {
  name: string;
  variant: 'rules' | 'keys';
  expiresIn: number;
  /** What changes once the token is cached. Returns when the change has taken effect. */
  change(context: Context): Promise<void> | void;
  reason: string;
}

interface Context {
  issuer: TestIssuer;
  jti: string;
  revoked: Set<string>;
  token: string;
  send(): Promise<request.Response>;
}

const advance = (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000);

const ROWS: CacheRuleRow[] = [
  {
    name: 'exp passes → 401 expired',
    variant: 'rules',
    expiresIn: 30,
    change: () => advance(31),
    reason: 'expired',
  },
  {
    name: 'iat + maxTokenAge passes → 401 too_old',
    variant: 'rules',
    expiresIn: 3600,
    change: () => advance(301),
    reason: 'too_old',
  },
  {
    name: 'a claim predicate now refuses it (jti deny-list) → 401 claim_mismatch',
    variant: 'rules',
    expiresIn: 3600,
    change: ({ revoked, jti }) => {
      revoked.add(jti);
    },
    reason: 'claim_mismatch',
  },
  {
    name: 'its key left the JWKS, seen at the next refresh → 401 unknown_kid',
    variant: 'keys',
    expiresIn: 7200,
    async change({ issuer, send, token }) {
      await issuer.rotateKeys({ keepOld: false });
      // Past the JWKS max-age (600 s): the next request, a hit, must start a refresh, as a
      // miss would; until it lands the old set is still the current one for everybody.
      advance(601);
      const fetched = issuer.requests.jwks;
      expect((await send()).status).toBe(200);
      const until = performance.now() + 5_000;
      while (issuer.requests.jwks === fetched && performance.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(issuer.requests.jwks).toBe(fetched + 1);
      // Until the new set is imported: a verifier without cache shares the app's key store.
      const probe = createVerifier({
        issuer: issuer.url,
        audience: issuer.audience,
        cache: false,
        keyFetch: { cooldown: 0 },
      });
      while (
        performance.now() < until &&
        (await probe.verify(token).then(
          () => true,
          () => false,
        ))
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    reason: 'unknown_kid',
  },
];

describe.each(FRAMEWORKS)('$name: cached, then a rule changes', ({ start }) => {
  let issuer: TestIssuer;
  let app: RunningApp;
  const revoked = new Set<string>();
  const events: GatehouseEvent[] = [];

  beforeAll(async () => {
    issuer = await createTestIssuer();
    const base = {
      issuer: issuer.url,
      audience: issuer.audience,
      realm: 'api',
      clockTolerance: 0,
      onEvent: (event: GatehouseEvent) => events.push(event),
    };
    const options = {
      rules: {
        ...base,
        maxTokenAge: 300,
        claims: { jti: (value: unknown) => !revoked.has(value as string) },
      },
      // Every unknown kid may refetch: the probe below must not spend the app's refetch.
      keys: { ...base, keyFetch: { cooldown: 0 } },
    };
    app = await start({ options } as unknown as Fixture);
  });
  afterAll(async () => {
    await app?.close();
    await issuer?.close();
  });
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    events.length = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(ROWS)('$name', async (row) => {
    const jti = `jti-${row.variant}-${Math.random()}`;
    const token = await issuer.mint({ jti }, { expiresIn: row.expiresIn });
    const send = () =>
      request(app.url)
        .get(`/${row.variant}/protected`)
        .set('Authorization', `Bearer ${token}`)
        .timeout(10_000)
        .ok(() => true);
    issuer.resetCounters();
    for (let i = 0; i < 3; i++) expect((await send()).status).toBe(200);

    await row.change({ issuer, jti, revoked, token, send });
    const response = await send();

    expect(response.status).toBe(401);
    expect(parseChallenge(response.headers['www-authenticate'] ?? '').params.error).toBe(
      'invalid_token',
    );
    expect(response.body.error).toBe('invalid_token');
    expect(events.filter((e) => e.type === 'token_rejected')).toEqual([
      { type: 'token_rejected', code: 'invalid_token', reason: row.reason },
    ]);
  });
});
