import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReplayStore } from '../../src/dpop/replay-store.js';

/** What the suite runs against: a store, and how to dispose of it. */
export interface StoreUnderTest {
  store: ReplayStore;
  close?: () => Promise<void>;
}

/**
 * The contract every `ReplayStore` must meet (the memory store, `@gatehouse/redis`, yours):
 * one test-suite, run against each. Keys are unique per test, so one store serves them all.
 */
export function describeReplayStore(name: string, setup: () => Promise<StoreUnderTest>): void {
  describe(`ReplayStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    beforeAll(async () => {
      subject = await setup();
    });
    afterAll(async () => {
      await subject?.close?.();
    });
    const key = () => `test:${randomUUID()}`;

    it('says true for the first use of a key and false for every later one', async () => {
      const k = key();
      const until = Date.now() + 60_000;
      expect(await subject.store.useOnce(k, until)).toBe(true);
      expect(await subject.store.useOnce(k, until)).toBe(false);
      expect(await subject.store.useOnce(k, until)).toBe(false);
    });

    it('keeps keys apart', async () => {
      const until = Date.now() + 60_000;
      expect(await subject.store.useOnce(key(), until)).toBe(true);
      expect(await subject.store.useOnce(key(), until)).toBe(true);
    });

    it('lets exactly one of many concurrent uses of a key through', async () => {
      const k = key();
      const until = Date.now() + 60_000;
      const answers = await Promise.all(
        Array.from({ length: 25 }, () => subject.store.useOnce(k, until)),
      );
      expect(answers.filter(Boolean)).toHaveLength(1);
    });

    it('keeps a key until its expiry, and forgets it afterwards', async () => {
      const k = key();
      expect(await subject.store.useOnce(k, Date.now() + 600)).toBe(true);
      await sleep(150);
      expect(await subject.store.useOnce(k, Date.now() + 600)).toBe(false);
      await sleep(900);
      expect(await subject.store.useOnce(k, Date.now() + 600)).toBe(true);
    });

    it('takes long keys with any characters', async () => {
      const k = `${key()}:${'x'.repeat(300)} ü*?[]{}`;
      expect(await subject.store.useOnce(k, Date.now() + 60_000)).toBe(true);
      expect(await subject.store.useOnce(k, Date.now() + 60_000)).toBe(false);
    });
  });
}
