import { describe, expect, it } from 'vitest';
import { createMemoryReplayStore, ReplayStoreFullError } from '../../src/dpop/replay-store.js';
import { describeReplayStore } from '../support/replay-store-suite.js';

describeReplayStore('memory', async () => ({ store: createMemoryReplayStore() }));

describe('createMemoryReplayStore: bounded', () => {
  it('refuses new keys when full of unexpired ones, rather than forgetting one early', async () => {
    let now = 1_000_000;
    const store = createMemoryReplayStore({ maxEntries: 3, now: () => now });
    for (const k of ['a', 'b', 'c']) expect(await store.useOnce(k, now + 1000)).toBe(true);
    await expect(store.useOnce('d', now + 1000)).rejects.toBeInstanceOf(ReplayStoreFullError);
    // Every earlier key is still refused: nothing was evicted.
    for (const k of ['a', 'b', 'c']) expect(await store.useOnce(k, now + 1000)).toBe(false);
    // Once they expire, their room is reused.
    now += 1001;
    expect(await store.useOnce('d', now + 1000)).toBe(true);
    expect(await store.useOnce('a', now + 1000)).toBe(true);
  });

  it('frees expired keys found anywhere when full, not only at the front', async () => {
    let now = 0;
    const store = createMemoryReplayStore({ maxEntries: 2, now: () => now });
    await store.useOnce('long', 10_000);
    await store.useOnce('short', 100);
    now = 200;
    expect(await store.useOnce('new', 10_000)).toBe(true);
    expect(await store.useOnce('long', 10_000)).toBe(false);
  });

  it('rejects a maxEntries that is not a positive integer', () => {
    expect(() => createMemoryReplayStore({ maxEntries: 0 })).toThrow(TypeError);
  });
});
