import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestIssuer } from '@gatehouse/testing';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../src/verify.js';

// The README's Prometheus recipe, run: the names a scrape shows are the ones the docs promise.
describe('Prometheus recipe', () => {
  it('exposes decisions, durations, cache lookups and key fetches on /metrics', async () => {
    const issuer = await createTestIssuer();
    const exporter = new PrometheusExporter({ preventServerStart: true });
    const meterProvider = new MeterProvider({ readers: [exporter] });
    const server = createServer((req, res) => exporter.getMetricsRequestHandler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const verifier = createVerifier({
        issuer: issuer.url,
        audience: issuer.audience,
        telemetry: { meterProvider },
      });
      const token = await issuer.mint();
      for (let i = 0; i < 3; i++) await verifier.verify(token);
      await verifier.verify('not-a-token').catch(() => {});
      const { port } = server.address() as AddressInfo;
      const scrape = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      // Attributes become labels (dots to underscores), next to the exporter's otel_scope_name.
      const series = (name: string, labels: string, value: number) =>
        expect(scrape).toMatch(new RegExp(`^${name}\\{${labels}[^}]*\\} ${value}$`, 'm'));
      series('gatehouse_decisions_total', 'gatehouse_outcome="allowed"', 3);
      series(
        'gatehouse_decisions_total',
        'gatehouse_outcome="refused",gatehouse_error_code="invalid_token",gatehouse_reason="malformed_token"',
        1,
      );
      series(
        'gatehouse_verification_duration_count',
        'gatehouse_outcome="allowed",gatehouse_cache_result="miss"',
        2,
      );
      series(
        'gatehouse_cache_lookups_total',
        'gatehouse_cache="token",gatehouse_cache_result="hit"',
        1,
      );
      series(
        'gatehouse_key_fetches_total',
        `gatehouse_issuer="${issuer.url}",gatehouse_outcome="ok"`,
        1,
      );
      expect(scrape).not.toContain(token.split('.')[1]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await meterProvider.shutdown();
      await issuer.close();
    }
  });
});
