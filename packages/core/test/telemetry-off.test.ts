import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createTestIssuer } from '@gatehouse/testing';
import { describe, expect, it } from 'vitest';
import { createObservers } from '../src/observers.js';
import { resolveOptions } from '../src/options.js';
import { createVerifier } from '../src/verify.js';

// The cost of observability when it is not configured: nothing loaded, nothing wrapped.
describe('telemetry and logging off', () => {
  it('no listener and no telemetry when neither onEvent, logger nor telemetry is set', () => {
    const config = resolveOptions({
      issuer: 'https://as.example',
      audience: 'https://api.example',
    });
    expect(createObservers(config)).toEqual({ onEvent: undefined, telemetry: undefined });
    const onEvent = () => {};
    // The user's own listener alone is used as is, not wrapped.
    expect(createObservers({ ...config, onEvent }).onEvent).toBe(onEvent);
  });

  it('verifying never loads @opentelemetry/api', async () => {
    const issuer = await createTestIssuer();
    try {
      const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
      const token = await issuer.mint();
      for (let i = 0; i < 3; i++) await verifier.verify(token);
      const loaded = Object.keys(createRequire(import.meta.url).cache);
      expect(loaded.filter((path) => path.includes('@opentelemetry'))).toEqual([]);
    } finally {
      await issuer.close();
    }
  });

  it('no source file imports @opentelemetry statically (it is an optional peer)', () => {
    const dir = new URL('../src/', import.meta.url);
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.ts'),
    );
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const source = readFileSync(new URL(file, dir), 'utf8');
      expect(source, file).not.toMatch(/(?:from|import\()\s*['"]@opentelemetry/);
    }
  });
});
