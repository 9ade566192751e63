import { afterEach, describe, expect, it, vi } from 'vitest';
import { nearMiss } from '../src/internal/issuer-near-miss.js';
import { IssuerResolver } from '../src/issuer-resolver.js';
import { resolveIssuers, splitTemplate, tenantOf } from '../src/issuers.js';
import type { KeyStore } from '../src/jwks.js';
import type { GatehouseEvent } from '../src/types.js';
import { thrown as refusal } from './support/thrown.js';

const V2 = 'https://login.microsoftonline.com/{tenantid}/v2.0';
const V1 = 'https://sts.windows.net/{tenantid}/';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OTHER = '9188040d-6c67-4c5b-b112-36a304b66dad';

afterEach(() => vi.useRealTimers());

describe('splitTemplate / tenantOf', () => {
  it('splits around the placeholder and finds the tenant by comparing text, v1 and v2 forms', () => {
    const v2 = splitTemplate(V2);
    const v1 = splitTemplate(V1);
    if (typeof v2 === 'string' || typeof v1 === 'string') throw new Error(String(v2));
    expect(tenantOf(`https://login.microsoftonline.com/${TENANT}/v2.0`, v2)).toBe(TENANT);
    expect(tenantOf(`https://sts.windows.net/${TENANT}/`, v1)).toBe(TENANT);
    expect(tenantOf(`https://sts.windows.net/${TENANT}`, v1)).toBeUndefined();
    expect(tenantOf(`https://login.microsoftonline.com/${TENANT}/v2.0/`, v2)).toBeUndefined();
    expect(tenantOf('https://login.microsoftonline.com//v2.0', v2)).toBeUndefined();
    expect(tenantOf('https://login.microsoftonline.com/a/b/v2.0', v2)).toBeUndefined();
    expect(tenantOf('https://login.microsoftonline.com/.*/v2.0', v2)).toBeUndefined();
    expect(tenantOf('https://login.microsoftonline.com/%2e%2e/v2.0', v2)).toBeUndefined();
    expect(
      tenantOf(`https://login.microsoftonline.com/${'a'.repeat(65)}/v2.0`, v2),
    ).toBeUndefined();
    expect(tenantOf(`https://LOGIN.microsoftonline.com/${TENANT}/v2.0`, v2)).toBeUndefined();
  });

  it.each([
    ['https://login.microsoftonline.com/v2.0', /exactly once/],
    ['https://x/{tenantid}/{tenantid}', /exactly once/],
    ['https://{tenantid}.b2clogin.com/x', /whole path segment/],
    ['https://x/t{tenantid}/v2.0', /whole path segment/],
    ['https://x/{tenantid}?q', /query or fragment/],
    ['not a url/{tenantid}', /absolute URL/],
  ])('refuses %s', (template, message) => {
    expect(splitTemplate(template)).toMatch(message);
  });
});

/** Stores are opaque to the resolver: tagged objects show which one it picked. */
function resolverFor(option: Parameters<typeof resolveIssuers>[0], limits = {}) {
  const created: { issuer: string; jwksUri: string | undefined }[] = [];
  const events: GatehouseEvent[] = [];
  const entries = resolveIssuers(option, {
    audiences: new Set(['api']),
    algorithms: new Set(['RS256']),
    jwksUri: undefined,
  });
  const resolver = new IssuerResolver(entries, {
    createStore(issuer, jwksUri) {
      created.push({ issuer, jwksUri });
      return { issuer } as KeyStore;
    },
    maxIssuers: 3,
    newIssuersPerMinute: 5,
    onEvent: (event) => events.push(event),
    ...limits,
  });
  return { resolver, created, events };
}

describe('IssuerResolver', () => {
  it('exact entries keep their own audience and algorithms; others fall back to the top level', () => {
    const { resolver } = resolverFor([
      'https://a.example.com/',
      { issuer: 'https://b.example.com', audience: ['b-api'], algorithms: ['ES256'] },
    ]);
    expect([...resolver.resolve('https://a.example.com/', {}).audiences]).toEqual(['api']);
    const b = resolver.resolve('https://b.example.com', {});
    expect([...b.audiences]).toEqual(['b-api']);
    expect([...b.algorithms]).toEqual(['ES256']);
  });

  it('a template accepts listed tenants whose tid matches, one key store per tenant issuer', () => {
    const { resolver, created } = resolverFor({ template: V2, tenants: [TENANT, OTHER] });
    const iss = `https://login.microsoftonline.com/${TENANT}/v2.0`;
    const match = resolver.resolve(iss, { tid: TENANT });
    expect(match).toMatchObject({ issuer: iss, tenant: TENANT });
    expect(match.store.issuer).toBe(iss);
    expect(resolver.resolve(iss, { tid: TENANT }).store).toBe(match.store);
    const other = resolver.resolve(`https://login.microsoftonline.com/${OTHER}/v2.0`, {
      tid: OTHER,
    });
    expect(other.store).not.toBe(match.store);
    expect(created.map((c) => c.issuer)).toEqual([
      iss,
      `https://login.microsoftonline.com/${OTHER}/v2.0`,
    ]);
  });

  it('refuses an unlisted tenant and a tid that disagrees with iss, creating no store', () => {
    const { resolver, created } = resolverFor({ template: V2, tenants: [TENANT] });
    const unlisted = `https://login.microsoftonline.com/${OTHER}/v2.0`;
    expect(refusal(() => resolver.resolve(unlisted, { tid: OTHER })).reason).toBe(
      'issuer_mismatch',
    );
    const iss = `https://login.microsoftonline.com/${TENANT}/v2.0`;
    expect(refusal(() => resolver.resolve(iss, { tid: OTHER })).reason).toBe('issuer_mismatch');
    expect(refusal(() => resolver.resolve(iss, {})).status).toBe(401);
    expect(created).toEqual([]);
  });

  it('a predicate decides tenants; only true accepts, a throwing one refuses', () => {
    const accept = vi.fn((tenant: string) => tenant.startsWith('7'));
    const { resolver } = resolverFor([
      { template: V2, tenants: accept },
      {
        template: V1,
        tenants: () => {
          throw new Error('boom');
        },
      },
    ]);
    resolver.resolve(`https://login.microsoftonline.com/${TENANT}/v2.0`, { tid: TENANT });
    expect(accept).toHaveBeenCalledWith(TENANT);
    expect(() =>
      resolver.resolve(`https://login.microsoftonline.com/${OTHER}/v2.0`, { tid: OTHER }),
    ).toThrow();
    expect(() => resolver.resolve(`https://sts.windows.net/${TENANT}/`, { tid: TENANT })).toThrow();
  });

  it('tenantClaim: false skips the tid rule; a jwksUri without placeholder shares one store', () => {
    const { resolver, created } = resolverFor({
      template: V1,
      tenants: [TENANT, OTHER],
      tenantClaim: false,
      jwksUri: 'https://login.microsoftonline.com/common/discovery/keys',
    });
    const a = resolver.resolve(`https://sts.windows.net/${TENANT}/`, {});
    const b = resolver.resolve(`https://sts.windows.net/${OTHER}/`, {});
    expect(a.store).toBe(b.store);
    expect(created).toEqual([
      { issuer: V1, jwksUri: 'https://login.microsoftonline.com/common/discovery/keys' },
    ]);
  });

  it('a jwksUri with the placeholder is filled per tenant', () => {
    const { resolver, created } = resolverFor({
      template: V2,
      tenants: [TENANT],
      jwksUri: 'https://login.microsoftonline.com/{tenantid}/discovery/v2.0/keys',
    });
    resolver.resolve(`https://login.microsoftonline.com/${TENANT}/v2.0`, { tid: TENANT });
    expect(created[0]!.jwksUri).toBe(
      `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
    );
  });

  it('keeps at most maxIssuers tenant stores (LRU) and creates at most newIssuersPerMinute', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { resolver, created } = resolverFor({ template: V2, tenants: () => true });
    const tenants = Array.from({ length: 6 }, (_, i) => `tenant-${i}`);
    const resolve = (t: string) =>
      resolver.resolve(`https://login.microsoftonline.com/${t}/v2.0`, { tid: t });
    for (const t of tenants.slice(0, 5)) resolve(t);
    expect(created).toHaveLength(5);
    const limited = refusal(() => resolve(tenants[5]!));
    expect(limited).toMatchObject({ status: 503, code: 'temporarily_unavailable' });
    expect(limited.retryAfter).toBeGreaterThanOrEqual(1);
    expect(limited.retryAfter).toBeLessThanOrEqual(60);
    // The three most recent stay live: no new store for them.
    resolve(tenants[4]!);
    expect(created).toHaveLength(5);
    vi.setSystemTime(Date.now() + 61_000);
    resolve(tenants[5]!);
    resolve(tenants[0]!); // evicted earlier: created again
    expect(created).toHaveLength(7);
  });

  it('10,000 made-up tenants: bounded stores, no store per refused token', () => {
    const { resolver, created } = resolverFor({ template: V2, tenants: [TENANT] });
    for (let i = 0; i < 10_000; i++) {
      const t = `t${i}`;
      expect(() =>
        resolver.resolve(`https://login.microsoftonline.com/${t}/v2.0`, { tid: t }),
      ).toThrow();
    }
    expect(created).toEqual([]);
  });

  it('tells the operator which configured issuer a refused one nearly was, never the token iss', () => {
    const { resolver, events } = resolverFor(['https://tenant.auth0.com/']);
    expect(() => resolver.resolve('https://tenant.auth0.com', {})).toThrow();
    expect(events).toEqual([
      {
        type: 'issuer_near_miss',
        configured: 'https://tenant.auth0.com/',
        difference: 'trailing_slash',
      },
    ]);
  });
});

describe('nearMiss', () => {
  const configured = ['https://as.example.com/realms/acme', 'https://tenant.auth0.com/'];
  it.each([
    ['https://AS.example.com/realms/acme', 'case'],
    ['https://as.example.com/realms/acme/', 'trailing_slash'],
    ['https://as.example.com:8443/realms/acme', 'port'],
    ['http://as.example.com/realms/acme', 'scheme'],
    ['https://as.example.com/auth/realms/acme', 'path'],
  ])('%s → %s', (iss, difference) => {
    expect(nearMiss(iss, configured)?.difference).toBe(difference);
  });
  it('says nothing for an unrelated, unparsable or huge issuer', () => {
    expect(nearMiss('https://evil.example.net/', configured)).toBeUndefined();
    expect(nearMiss('garbage', configured)).toBeUndefined();
    expect(nearMiss(`https://as.example.com/${'a'.repeat(3000)}`, configured)).toBeUndefined();
  });
});
