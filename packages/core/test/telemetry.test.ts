import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { context, metrics, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthHandler } from '../src/auth-handler.js';
import { GatehouseConfigError } from '../src/config-error.js';
import { loadOtelApi } from '../src/telemetry.js';
import { createVerifier } from '../src/verify.js';

let issuer: TestIssuer;
const contextManager = new AsyncLocalStorageContextManager();
beforeAll(async () => {
  issuer = await createTestIssuer();
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(async () => {
  context.disable();
  metrics.disable();
  await issuer.close();
});

/** A meter provider whose metrics are read with `collect()` through an in-memory exporter. */
function inMemoryMetrics() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  async function collect(name: string): Promise<DataPoint<unknown>[]> {
    await reader.forceFlush();
    const exported = exporter.getMetrics().at(-1);
    const metric = exported?.scopeMetrics
      .flatMap((scope) => scope.metrics)
      .find((candidate) => candidate.descriptor.name === name);
    return (metric?.dataPoints ?? []) as DataPoint<unknown>[];
  }
  /** The counter's value for the data point whose attributes include `attributes`. */
  async function count(name: string, attributes: Record<string, unknown>): Promise<number> {
    const points = await collect(name);
    return points
      .filter((point) => Object.entries(attributes).every(([k, v]) => point.attributes[k] === v))
      .reduce((sum, point) => sum + (point.value as number), 0);
  }
  return { meterProvider, collect, count, shutdown: () => meterProvider.shutdown() };
}

describe('telemetry: metrics', () => {
  it('counts decisions by outcome and reason, cache hits and misses, and times each', async () => {
    const otel = inMemoryMetrics();
    try {
      const verifier = createVerifier({
        issuer: issuer.url,
        audience: issuer.audience,
        telemetry: { meterProvider: otel.meterProvider },
      });
      const token = await issuer.mint();
      // Admission on second sight: the first two verifications miss, then every one hits.
      for (let i = 0; i < 3; i++) await verifier.verify(token);
      await verifier.authenticate(`Bearer ${token}`);
      await verifier.authenticate(`Bearer ${token}`);
      await verifier.authenticate(`Bearer ${token}`);
      const expired = await issuer.mint({ exp: Math.floor(Date.now() / 1000) - 60 });
      await verifier.verify(expired).catch(() => {});
      await verifier.authenticate('Basic abc').catch(() => {});

      expect(await otel.count('gatehouse.decisions', { 'gatehouse.outcome': 'allowed' })).toBe(6);
      expect(
        await otel.count('gatehouse.decisions', {
          'gatehouse.outcome': 'refused',
          'gatehouse.error_code': 'invalid_token',
          'gatehouse.reason': 'expired',
        }),
      ).toBe(1);
      expect(
        await otel.count('gatehouse.decisions', {
          'gatehouse.outcome': 'refused',
          'gatehouse.reason': 'missing_credentials',
        }),
      ).toBe(1);
      const lookups = { 'gatehouse.cache': 'token' };
      expect(
        await otel.count('gatehouse.cache.lookups', {
          ...lookups,
          'gatehouse.cache.result': 'hit',
        }),
      ).toBe(4);
      // Two misses before admission and the expired token; `Basic abc` has no token to look up.
      expect(
        await otel.count('gatehouse.cache.lookups', {
          ...lookups,
          'gatehouse.cache.result': 'miss',
        }),
      ).toBe(3);

      const durations = await otel.collect('gatehouse.verification.duration');
      const total = durations.reduce((sum, point) => sum + (point.value as Histogram).count, 0);
      expect(total).toBe(8);
      const hits = durations.find((point) => point.attributes['gatehouse.cache.result'] === 'hit')
        ?.value as Histogram | undefined;
      expect(hits?.count).toBe(4);
      // Seconds, not milliseconds: a cache hit takes well under one.
      expect(hits?.max).toBeLessThan(1);
    } finally {
      await otel.shutdown();
    }
  });

  it('with the cache off, looks nothing up: no lookups counted, every duration "none"', async () => {
    const otel = inMemoryMetrics();
    try {
      const verifier = createVerifier({
        issuer: issuer.url,
        audience: issuer.audience,
        cache: false,
        telemetry: { meterProvider: otel.meterProvider },
      });
      const token = await issuer.mint();
      await verifier.verify(token);
      await verifier.authenticate(`Bearer ${token}`);
      await verifier.verify(await issuer.mint({ exp: 1 })).catch(() => {});
      expect(await otel.count('gatehouse.cache.lookups', {})).toBe(0);
      const durations = await otel.collect('gatehouse.verification.duration');
      expect(durations.map((point) => point.attributes['gatehouse.cache.result'])).toEqual([
        'none',
        'none',
      ]);
      const total = durations.reduce((sum, point) => sum + (point.value as Histogram).count, 0);
      expect(total).toBe(3);
    } finally {
      await otel.shutdown();
    }
  });

  it('counts key fetches by issuer and outcome', async () => {
    const otel = inMemoryMetrics();
    const gone = await createTestIssuer();
    await gone.close();
    try {
      const telemetry = { meterProvider: otel.meterProvider };
      const local = await createTestIssuer();
      try {
        const verifier = createVerifier({ issuer: local.url, audience: local.audience, telemetry });
        await verifier.ready();
      } finally {
        await local.close();
      }
      const down = createVerifier({ issuer: gone.url, audience: gone.audience, telemetry });
      await down.ready().catch(() => {});
      expect(await otel.count('gatehouse.key_fetches', { 'gatehouse.outcome': 'ok' })).toBe(1);
      expect(
        await otel.count('gatehouse.key_fetches', {
          'gatehouse.issuer': gone.url,
          'gatehouse.outcome': 'failed',
        }),
      ).toBe(1);
    } finally {
      await otel.shutdown();
    }
  });

  it('counts user-cache hits and misses of the adapter layer', async () => {
    const otel = inMemoryMetrics();
    try {
      const handler = createAuthHandler({
        issuer: issuer.url,
        audience: issuer.audience,
        telemetry: { meterProvider: otel.meterProvider },
        resolveUser: (auth) => ({ id: auth.subject }),
      });
      const token = await issuer.mint();
      for (let i = 0; i < 3; i++) await handler.authenticate(`Bearer ${token}`, {});
      const user = { 'gatehouse.cache': 'user' };
      expect(
        await otel.count('gatehouse.cache.lookups', { ...user, 'gatehouse.cache.result': 'miss' }),
      ).toBe(1);
      expect(
        await otel.count('gatehouse.cache.lookups', { ...user, 'gatehouse.cache.result': 'hit' }),
      ).toBe(2);
    } finally {
      await otel.shutdown();
    }
  });

  it('telemetry: true uses the global meter provider', async () => {
    const otel = inMemoryMetrics();
    metrics.setGlobalMeterProvider(otel.meterProvider);
    try {
      const verifier = createVerifier({
        issuer: issuer.url,
        audience: issuer.audience,
        telemetry: true,
      });
      await verifier.verify(await issuer.mint());
      expect(await otel.count('gatehouse.decisions', { 'gatehouse.outcome': 'allowed' })).toBe(1);
    } finally {
      metrics.disable();
      await otel.shutdown();
    }
  });
});

describe('telemetry: span attributes', () => {
  it('sets outcome, issuer, cache and reason on the active span, never the token', async () => {
    const exporter = new InMemorySpanExporter();
    const tracerProvider = new TracerProvider({
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    const tracer = tracerProvider.getTracer('test');
    const otel = inMemoryMetrics();
    try {
      const verifier = createVerifier({
        issuer: issuer.url,
        audience: issuer.audience,
        telemetry: { meterProvider: otel.meterProvider },
      });
      const token = await issuer.mint({ sub: 'span-subject' });
      const bad = await issuer.mint({ aud: 'https://other.example' });
      await tracer.startActiveSpan('GET /ok', async (span) => {
        await verifier.verify(token);
        span.end();
      });
      await tracer.startActiveSpan('GET /bad', async (span) => {
        await verifier.verify(bad).catch(() => {});
        span.end();
      });
      await tracerProvider.forceFlush();
      const [ok, refused] = exporter.getFinishedSpans();
      expect(ok?.attributes).toEqual({
        'gatehouse.outcome': 'allowed',
        'gatehouse.issuer': issuer.url,
        'gatehouse.cache.result': 'miss',
      });
      expect(refused?.attributes).toEqual({
        'gatehouse.outcome': 'refused',
        'gatehouse.error_code': 'invalid_token',
        'gatehouse.reason': 'audience_mismatch',
        'gatehouse.cache.result': 'miss',
      });
      const all = JSON.stringify(exporter.getFinishedSpans().map((span) => span.attributes));
      expect(all).not.toContain(token.split('.')[1]);
      expect(all).not.toContain('span-subject');
      expect(trace.getActiveSpan()).toBeUndefined();
    } finally {
      await otel.shutdown();
    }
  });
});

describe('telemetry: optional', () => {
  it('a missing @opentelemetry/api is a configuration error naming the option and the fix', () => {
    expect(() => loadOtelApi('@opentelemetry/not-installed')).toThrow(GatehouseConfigError);
    expect(() => loadOtelApi('@opentelemetry/not-installed')).toThrow(
      /telemetry: needs the optional peer dependency @opentelemetry\/not-installed: npm install/,
    );
  });

  it('is validated at construction', () => {
    expect(() =>
      createVerifier({
        issuer: issuer.url,
        audience: issuer.audience,
        telemetry: { meterProvider: {} as never },
      }),
    ).toThrow(/telemetry: must be true, false or \{ meterProvider \}/);
  });
});
