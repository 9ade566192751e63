import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatehouseEvent } from '../src/types.js';
import { createVerifier } from '../src/verify.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

describe('onEvent', () => {
  it('reports rejections by code and reason, never the token', async () => {
    const events: GatehouseEvent[] = [];
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      onEvent: (e) => events.push(e),
    });
    const expired = await issuer.mint({ exp: Math.floor(Date.now() / 1000) - 100 });
    await verifier.verify(expired).catch(() => {});
    await verifier.authenticate('Basic abc').catch(() => {});
    expect(events).toContainEqual({
      type: 'token_rejected',
      code: 'invalid_token',
      reason: 'expired',
    });
    expect(events).toContainEqual({
      type: 'token_rejected',
      code: 'unauthorized',
      reason: 'missing_credentials',
    });
    expect(JSON.stringify(events)).not.toContain(expired);
  });

  it('reports key refreshes', async () => {
    const events: GatehouseEvent[] = [];
    const local = await createTestIssuer();
    try {
      const verifier = createVerifier({
        issuer: local.url,
        audience: local.audience,
        onEvent: (e) => events.push(e),
      });
      await verifier.verify(await local.mint());
      expect(events.map((e) => e.type)).toContain('keys_refreshed');
    } finally {
      await local.close();
    }
  });

  it('survives a listener that throws', async () => {
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    await expect(verifier.verify(await issuer.mint())).resolves.toBeDefined();
    await expect(verifier.verify('garbage')).rejects.toMatchObject({ code: 'invalid_token' });
  });
});
