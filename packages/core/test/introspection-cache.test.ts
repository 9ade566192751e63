import { afterEach, describe, expect, it, vi } from 'vitest';
import type { IntrospectionRecord, IntrospectionStore } from '../src/introspection/store.js';
import { now, OPAQUE, refusal, useIntrospectionServer } from './support/introspection.js';
import { freezeDate } from './support/key-store.js';

afterEach(() => {
  vi.useRealTimers();
});

// Introspection results: single flight, cache lifetime, stores.
const f = useIntrospectionServer();

describe('caching and single flight', () => {
  it('concurrent requests for one token share one call', async () => {
    f.as.answer = () => ({ body: f.activeFor(), delayMs: 100 });
    const verifier = f.verifierWith();
    const results = await Promise.all(Array.from({ length: 20 }, () => verifier.verify(OPAQUE)));
    expect(results.every((auth) => auth.subject === 'ada')).toBe(true);
    expect(f.as.received).toHaveLength(1);
  });

  it('concurrent failures are shared too, and not cached', async () => {
    f.as.answer = () => ({ status: 503, raw: '', delayMs: 50 });
    const verifier = f.verifierWith();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => verifier.verify(OPAQUE)),
    );
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(f.as.received).toHaveLength(1);
    f.as.answer = () => ({ body: f.activeFor() });
    await expect(verifier.verify(OPAQUE)).resolves.toMatchObject({ subject: 'ada' });
    expect(f.as.received).toHaveLength(2);
  });

  it('an answer is reused until maxTtl, then asked again', async () => {
    f.as.answer = () => ({ body: f.activeFor() });
    const verifier = f.verifierWith({ cache: { maxTtl: 0.4 } });
    await verifier.verify(OPAQUE);
    await verifier.verify(OPAQUE);
    expect(f.as.received).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await verifier.verify(OPAQUE);
    expect(f.as.received).toHaveLength(2);
  });

  it('a cached answer never outlives the token: refused once exp has passed', async () => {
    // A frozen clock: a loaded machine cannot let the token expire before the first answer.
    const clock = freezeDate();
    const exp = now() + 60;
    f.as.answer = () => ({ body: f.activeFor({ exp }) });
    const verifier = f.verifierWith({}, { clockTolerance: 0 });
    await verifier.verify(OPAQUE);
    await verifier.verify(OPAQUE);
    expect(f.as.received).toHaveLength(1); // the second answer came from the cache
    clock.advance(60_000);
    expect((await refusal(verifier.verify(OPAQUE))).reason).toBe('expired');
  });

  it('active: false is remembered briefly too (a flood of dead tokens costs one call each)', async () => {
    f.as.answer = () => ({ body: { active: false } });
    const verifier = f.verifierWith();
    await refusal(verifier.verify(OPAQUE));
    await refusal(verifier.verify(OPAQUE));
    expect(f.as.received).toHaveLength(1);
  });

  it('cache: false asks every time', async () => {
    f.as.answer = () => ({ body: f.activeFor() });
    const verifier = f.verifierWith({ cache: false });
    await verifier.verify(OPAQUE);
    await verifier.verify(OPAQUE);
    expect(f.as.received).toHaveLength(2);
  });

  it('a store of your own: keys are digests, no record holds the token; a failing store is a miss', async () => {
    f.as.answer = () => ({ body: f.activeFor() });
    const kept = new Map<string, { record: IntrospectionRecord; ttlMs: number }>();
    const store: IntrospectionStore = {
      get: async (key) => kept.get(key)?.record,
      set: async (key, record, ttlMs) => {
        kept.set(key, { record, ttlMs });
      },
    };
    const verifier = f.verifierWith({ cache: { store, maxTtl: 120 } });
    await verifier.verify(OPAQUE);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await verifier.verify(OPAQUE);
    expect(f.as.received).toHaveLength(1);
    expect(kept.size).toBe(1);
    expect(JSON.stringify([...kept])).not.toContain(OPAQUE);
    expect([...kept.values()][0]?.ttlMs).toBeLessThanOrEqual(120_000);

    const broken: IntrospectionStore = {
      get: () => {
        throw new Error('store down');
      },
      set: () => Promise.reject(new Error('store down')),
    };
    await expect(
      f.verifierWith({ cache: { store: broken } }).verify(OPAQUE),
    ).resolves.toMatchObject({
      subject: 'ada',
    });
  });
});
