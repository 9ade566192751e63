import { createTestIssuer } from '@gatehouse/testing';
import { describe, expect, it } from 'vitest';
import type { FetchLike } from '../src/internal/fetch-json.js';
import { getRemoteKeyStore, KEY_FETCH_DEFAULTS } from '../src/jwks.js';
import type { GatehouseEvent } from '../src/types.js';

// DESIGN.md "Everything bounded": creating verifiers in a loop must not grow memory without limit.

describe('process-wide key store registry', () => {
  it('keeps at most 1,000 stores, evicting the least recently requested', () => {
    const issuer = 'https://registry.example.test';
    const settingsFor = (maxKeys: number) => ({ ...KEY_FETCH_DEFAULTS, issuer, maxKeys });
    const first = getRemoteKeyStore(settingsFor(1));
    const second = getRemoteKeyStore(settingsFor(2));
    for (let maxKeys = 3; maxKeys <= 1_000; maxKeys++) getRemoteKeyStore(settingsFor(maxKeys));
    // Requesting `first` again makes it the most recent: `second` is now the oldest.
    expect(getRemoteKeyStore(settingsFor(1))).toBe(first);
    getRemoteKeyStore(settingsFor(1_001));
    expect(getRemoteKeyStore(settingsFor(1))).toBe(first);
    expect(getRemoteKeyStore(settingsFor(2))).not.toBe(second);
  });

  it('a shared store notifies at most the 16 most recent listeners, each once', async () => {
    await using issuer = await createTestIssuer();
    const heard: number[] = [];
    const listeners = Array.from({ length: 20 }, (_, index) => (event: GatehouseEvent) => {
      if (event.type === 'keys_refreshed') heard.push(index);
    });
    let store = getRemoteKeyStore({ ...KEY_FETCH_DEFAULTS, issuer: issuer.url });
    for (const onEvent of listeners) {
      store = getRemoteKeyStore({ ...KEY_FETCH_DEFAULTS, issuer: issuer.url, onEvent });
    }
    // Registering the same listener again neither duplicates nor evicts another.
    store = getRemoteKeyStore({
      ...KEY_FETCH_DEFAULTS,
      issuer: issuer.url,
      onEvent: listeners[19]!,
    });
    await store.getKey('RS256', issuer.keys[0]!.kid);
    expect(heard.sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, i) => i + 4));
  });

  it('one store per jwksUri and per fetch function, each one reused', () => {
    const base = { ...KEY_FETCH_DEFAULTS, issuer: 'https://ids.example.test' };
    const plain = getRemoteKeyStore(base);
    expect(getRemoteKeyStore(base)).toBe(plain);
    const jwksUri = 'https://ids.example.test/jwks';
    const withUri = getRemoteKeyStore({ ...base, jwksUri });
    expect(withUri).not.toBe(plain);
    expect(getRemoteKeyStore({ ...base, jwksUri })).toBe(withUri);
    expect(getRemoteKeyStore({ ...base, jwksUri: `${jwksUri}2` })).not.toBe(withUri);
    // Two fetch functions (say, two proxies) never share a store; one function always does.
    const viaOne: FetchLike = (url, init) => fetch(url, init);
    const viaOther: FetchLike = (url, init) => fetch(url, init);
    const one = getRemoteKeyStore({ ...base, fetch: viaOne });
    expect(one).not.toBe(plain);
    expect(getRemoteKeyStore({ ...base, fetch: viaOne })).toBe(one);
    expect(getRemoteKeyStore({ ...base, fetch: viaOther })).not.toBe(one);
    expect(getRemoteKeyStore({ ...base, fetch: viaOne })).toBe(one);
  });

  it('obtaining a shared store without onEvent keeps every registered listener', async () => {
    await using issuer = await createTestIssuer();
    const heard = new Set<number>();
    const base = { ...KEY_FETCH_DEFAULTS, issuer: issuer.url };
    for (let index = 0; index < 16; index++) {
      getRemoteKeyStore({
        ...base,
        onEvent: (event) => {
          if (event.type === 'keys_refreshed') heard.add(index);
        },
      });
    }
    const store = getRemoteKeyStore(base);
    await store.getKey('RS256', issuer.keys[0]!.kid);
    expect(heard.size).toBe(16);
  });
});
