import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseConfigError } from '../src/config-error.js';
import type { GatehouseEvent } from '../src/types.js';
import { createVerifier } from '../src/verify.js';
import { rejection as refusal } from './support/key-store.js';

const A = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const B = '9188040d-6c67-4c5b-b112-36a304b66dad';

let tenants: TestIssuer;
let plain: TestIssuer;
let other: TestIssuer;
beforeAll(async () => {
  [tenants, plain, other] = await Promise.all([
    createTestIssuer({ path: '/{tenantid}/v2.0' }),
    createTestIssuer({ trailingSlash: true }),
    createTestIssuer({ algorithms: ['ES256'], audience: 'https://other-api.example.test' }),
  ]);
});
afterAll(async () => {
  await Promise.all([tenants?.close(), plain?.close(), other?.close()]);
});

const mintFor = (tenant: string, claims: Record<string, unknown> = {}) =>
  tenants.mint({ tid: tenant, ...claims }, { tenant });

describe('issuer templates through createVerifier', () => {
  const templated = (extra: Record<string, unknown> = {}) =>
    createVerifier({
      issuer: { template: tenants.url, tenants: [A, B] },
      audience: tenants.audience,
      cache: false,
      ...extra,
    });

  it('verifies listed tenants, each with its own discovery (keys bound to the exact iss)', async () => {
    const verifier = templated();
    tenants.resetCounters();
    const auth = await verifier.verify(await mintFor(A));
    expect(auth.issuer).toBe(tenants.issuerFor(A));
    await verifier.verify(await mintFor(B));
    await verifier.verify(await mintFor(A));
    expect(tenants.requests.discovery).toBe(2);
  });

  it('refuses an unlisted tenant and a tid mismatch with 401, without any request', async () => {
    const verifier = templated();
    tenants.resetCounters();
    const stranger = '0b1e8e1a-7c1d-4f9e-9d55-000000000bad';
    expect((await refusal(verifier.verify(await mintFor(stranger)))).reason).toBe(
      'issuer_mismatch',
    );
    const mismatch = await tenants.mint({ tid: B }, { tenant: A });
    expect((await refusal(verifier.verify(mismatch))).reason).toBe('issuer_mismatch');
    expect(tenants.requests.total).toBe(0);
  });

  it('bounds the creation of tenant key stores: past newIssuersPerMinute, 503 + Retry-After', async () => {
    const verifier = createVerifier({
      issuer: { template: tenants.url, tenants: () => true },
      audience: tenants.audience,
      keyFetch: { newIssuersPerMinute: 2 },
    });
    await verifier.verify(await mintFor('tenant-1'));
    await verifier.verify(await mintFor('tenant-2'));
    const limited = await refusal(verifier.verify(await mintFor('tenant-3')));
    expect(limited.code).toBe('temporarily_unavailable');
    expect(limited.retryAfter).toBeGreaterThanOrEqual(1);
    await verifier.verify(await mintFor('tenant-1')); // known tenants are unaffected
  });
});

describe('per-issuer entries', () => {
  it('each issuer with its own audience and algorithms; keys never cross issuers', async () => {
    const verifier = createVerifier({
      issuer: [
        { issuer: plain.url, audience: plain.audience },
        { issuer: other.url, audience: other.audience, algorithms: ['ES256'] },
      ],
    });
    await verifier.verify(await plain.mint());
    await verifier.verify(await other.mint());
    const crossed = await refusal(verifier.verify(await plain.mint({ aud: other.audience })));
    expect(crossed.reason).toBe('audience_mismatch');
    // RS256 is allowed for `plain` only: a token claiming `other` with RS256 is refused early.
    const rs256 = await plain.sign(
      { alg: 'RS256', kid: plain.keys[0]!.kid },
      { iss: other.url, aud: other.audience, exp: Math.floor(Date.now() / 1000) + 60 },
    );
    expect((await refusal(verifier.verify(rs256))).reason).toBe('unsupported_algorithm');
  });

  it('an issuer differing by a trailing slash is refused, and the operator is told', async () => {
    const events: GatehouseEvent[] = [];
    const verifier = createVerifier({
      issuer: plain.url.replace(/\/$/, ''),
      audience: plain.audience,
      onEvent: (event) => events.push(event),
    });
    expect((await refusal(verifier.verify(await plain.mint()))).reason).toBe('issuer_mismatch');
    expect(events).toContainEqual({
      type: 'issuer_near_miss',
      configured: plain.url.replace(/\/$/, ''),
      difference: 'trailing_slash',
    });
  });
});

describe('audienceClaim, roles, claim paths', () => {
  it("audienceClaim: 'client_id' (Cognito): no aud needed, the audience still required", async () => {
    const verifier = createVerifier({
      issuer: plain.url,
      audience: 'app-client',
      audienceClaim: 'client_id',
      claims: { token_use: 'access' },
    });
    const ok = await plain.mint({ aud: undefined, client_id: 'app-client', token_use: 'access' });
    expect((await verifier.verify(ok)).clientId).toBe('app-client');
    const other = await plain.mint({ aud: undefined, client_id: 'other', token_use: 'access' });
    expect((await refusal(verifier.verify(other))).reason).toBe('audience_mismatch');
    const none = await plain.mint({ aud: 'app-client', client_id: undefined, token_use: 'access' });
    expect((await refusal(verifier.verify(none))).reason).toBe('missing_claim');
    const idToken = await plain.mint({ aud: undefined, client_id: 'app-client', token_use: 'id' });
    expect((await refusal(verifier.verify(idToken))).reason).toBe('claim_mismatch');
  });

  it('roles: nested paths, arrays and strings merged; malformed role claims ignored', async () => {
    const verifier = createVerifier({
      issuer: plain.url,
      audience: plain.audience,
      roles: ['realm_access.roles', 'resource_access.orders-api.roles', 'groups', 'junk'],
    });
    const auth = await verifier.verify(
      await plain.mint({
        realm_access: { roles: ['admin', 7, ['x']] },
        resource_access: { 'orders-api': { roles: ['writer'] } },
        groups: 'ops dev',
        junk: { roles: true },
      }),
    );
    expect(auth.roles).toEqual(['admin', 'writer', 'ops', 'dev']);
    expect(Object.isFrozen(auth.roles)).toBe(true);
    const bare = await createVerifier({ issuer: plain.url, audience: plain.audience }).verify(
      await plain.mint({ roles: ['admin'] }),
    );
    expect(bare.roles).toEqual([]);
  });

  it('requiredClaims and claim rules take claim paths', async () => {
    const verifier = createVerifier({
      issuer: plain.url,
      audience: plain.audience,
      requiredClaims: ['realm_access.roles'],
      claims: { 'realm_access.roles': { includes: 'admin' } },
    });
    await verifier.verify(await plain.mint({ realm_access: { roles: ['admin'] } }));
    const missing = await refusal(verifier.verify(await plain.mint()));
    expect(missing.reason).toBe('missing_claim');
    const wrong = await refusal(
      verifier.verify(await plain.mint({ realm_access: { roles: ['x'] } })),
    );
    expect(wrong.reason).toBe('claim_mismatch');
  });

  it('keyFetch.fetch is the fetch used for discovery and keys', async () => {
    const urls: string[] = [];
    const verifier = createVerifier({
      issuer: plain.url,
      audience: plain.audience,
      keyFetch: {
        fetch: (url, init) => {
          urls.push(url);
          return fetch(url, init);
        },
      },
    });
    await verifier.verify(await plain.mint());
    expect(urls).toEqual([plain.wellKnown.oidc, plain.jwksUri]);
  });
});

describe('option validation names the option', () => {
  const base = { issuer: 'https://as.example.com/', audience: 'api' };
  it.each([
    [{ issuer: { template: 'https://x/{tenantid}', tenants: ['a'] } }, 'issuer.audience'],
    [{ ...base, issuer: { template: 'https://x/v2.0', tenants: ['a'] } }, 'issuer.template'],
    [
      { ...base, issuer: { template: 'https://x/{tenantid}', tenants: ['a/b'] } },
      'issuer.tenants.0',
    ],
    [
      { ...base, issuer: { template: 'http://x.example/{tenantid}', tenants: ['a'] } },
      'issuer.template',
    ],
    [
      {
        ...base,
        issuer: [base.issuer, { template: 'https://x/{tenantid}', tenants: [] }],
        jwksUri: 'https://x/k',
      },
      'jwksUri',
    ],
    [
      { ...base, issuer: [{ issuer: 'https://x/', algorithms: ['none'] }] },
      'issuer.0.algorithms.0',
    ],
    [{ issuer: ['https://a/', { issuer: 'https://b/', audience: 'b' }] }, 'issuer.0.audience'],
    [{ ...base, roles: 'a..b' }, 'roles'],
    [{ ...base, roles: [] }, 'roles'],
    [{ ...base, audienceClaim: '' }, 'audienceClaim'],
    [{ ...base, keyFetch: { fetch: 'undici' } }, 'keyFetch.fetch'],
    [{ ...base, keyFetch: { maxIssuers: 0 } }, 'keyFetch.maxIssuers'],
  ])('%j → %s', (options, path) => {
    let error: unknown;
    try {
      createVerifier(options as never);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(GatehouseConfigError);
    expect((error as GatehouseConfigError).issues.map((i) => i.path)).toContain(path);
  });
});
