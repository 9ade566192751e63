// What a remote key store tells its operator: `health()` and the key events, member by member
// (toStrictEqual: a member that does not apply is absent, not `undefined`).
import { createTestIssuer } from '@gatehouse/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { failures, freezeDate, options, rejection } from './support/key-store.js';

const iso = (ms: number) => new Date(ms).toISOString();

afterEach(() => {
  vi.useRealTimers();
});

describe('remote key store health', () => {
  it('cold: not ready, nothing known yet', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer);
    expect(store.health()).toStrictEqual({
      issuer: issuer.url,
      keyCount: 0,
      ready: false,
      stale: false,
      failures: 0,
    });
  });

  it('after a refresh: keys, the discovered jwks_uri and when; after a failure: what, where, when', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer);
    freezeDate();
    const t0 = Date.now();
    await store.getKey('RS256', issuer.keys[0]!.kid);
    expect(store.health()).toStrictEqual({
      issuer: issuer.url,
      keyCount: 1,
      ready: true,
      stale: false,
      failures: 0,
      jwksUri: issuer.jwksUri,
      lastRefresh: iso(t0),
    });
    issuer.setFault({ type: 'status', status: 500, target: 'jwks' });
    vi.setSystemTime(t0 + 5_000);
    await rejection(store.getKey('RS256', 'rotated-in'));
    expect(store.health()).toStrictEqual({
      issuer: issuer.url,
      keyCount: 1,
      ready: true,
      stale: false,
      failures: 1,
      jwksUri: issuer.jwksUri,
      lastRefresh: iso(t0),
      lastError: { detail: 'HTTP 500', url: issuer.jwksUri, at: iso(t0 + 5_000) },
    });
  });

  it('a refused key set: the error has no URL member', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer, { maxKeys: 0 });
    freezeDate();
    const t0 = Date.now();
    await rejection(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(store.health().lastError).toStrictEqual({
      detail: 'invalid key set: more than 0 keys (1)',
      at: iso(t0),
    });
  });
});

describe('remote key store events', () => {
  it('keys_refreshed: issuer, jwks_uri, key count, trigger; afterFailures once recovered', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256'] });
    const { store, events } = options(issuer);
    freezeDate();
    const t0 = Date.now();
    await store.getKey('RS256', issuer.keys[0]!.kid);
    expect(events.at(-1)).toStrictEqual({
      type: 'keys_refreshed',
      issuer: issuer.url,
      jwksUri: issuer.jwksUri,
      keyCount: 2,
      trigger: 'initial',
    });
    issuer.setFault({ type: 'status', status: 500, target: 'jwks' });
    await rejection(store.getKey('RS256', 'rotated-in'));
    vi.setSystemTime(t0 + 600_000);
    await store.ready();
    expect(failures(events)).toHaveLength(2);
    expect(failures(events)[1]).toStrictEqual({
      type: 'keys_refresh_failed',
      issuer: issuer.url,
      jwksUri: issuer.jwksUri,
      stale: true,
      detail: 'HTTP 500',
      url: issuer.jwksUri,
      failures: 2,
    });
    issuer.setFault(null);
    vi.setSystemTime(t0 + 700_000);
    await store.ready();
    expect(events.at(-1)).toStrictEqual({
      type: 'keys_refreshed',
      issuer: issuer.url,
      jwksUri: issuer.jwksUri,
      keyCount: 2,
      trigger: 'max_age',
      afterFailures: 2,
    });
  });

  it('keys_refresh_failed before any jwks_uri is known: empty jwksUri, the metadata URL', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer);
    issuer.setFault({ type: 'status', status: 500, target: 'discovery' });
    await rejection(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(failures(events)).toStrictEqual([
      {
        type: 'keys_refresh_failed',
        issuer: issuer.url,
        jwksUri: '',
        stale: false,
        detail: 'discovery: HTTP 500',
        url: `${issuer.url}/.well-known/openid-configuration`,
        failures: 1,
      },
    ]);
  });

  it('keys_refresh_failed for an issuer mismatch names the issuer the metadata gave', async () => {
    await using issuer = await createTestIssuer();
    const configured = `${issuer.url}/`;
    const { store, events } = options(issuer, { issuer: configured });
    await rejection(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(failures(events)).toStrictEqual([
      {
        type: 'keys_refresh_failed',
        issuer: configured,
        jwksUri: '',
        stale: false,
        detail: `discovery: issuer mismatch (metadata names ${JSON.stringify(issuer.url)})`,
        url: `${issuer.url}/.well-known/openid-configuration`,
        failures: 1,
        metadataIssuer: issuer.url,
      },
    ]);
  });

  it('keys_refresh_failed for a refused key set has no url', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer, { jwksUri: issuer.jwksUri, maxKeys: 0 });
    await rejection(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(failures(events)).toStrictEqual([
      {
        type: 'keys_refresh_failed',
        issuer: issuer.url,
        jwksUri: issuer.jwksUri,
        stale: false,
        detail: 'invalid key set: more than 0 keys (1)',
        failures: 1,
      },
    ]);
  });
});
