import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyStoreFor } from '../src/key-stores.js';
import type { GatehouseEvent } from '../src/types.js';
import { createVerifier } from '../src/verify.js';

// keyStoreFor: which key store each way of configuring keys gets (secret, fixed keys, a JWKS URI
// without discovery, discovery), seen from the verifier.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer?.close());

const SECRET = 'a-shared-secret-of-at-least-32-bytes!';

describe('keyStoreFor', () => {
  it('secret: one HMAC key, ready at once, no request, verifying again and again', async () => {
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      secret: SECRET,
    });
    expect(verifier.health()).toEqual({
      ready: true,
      issuers: [{ issuer: issuer.url, ready: true, keyCount: 1, stale: false, failures: 0 }],
    });
    const before = { ...issuer.requests };
    await verifier.ready();
    const token = await issuer.sign({ alg: 'HS256', typ: 'at+jwt' }, await claims(), {
      secret: SECRET,
    });
    for (let i = 0; i < 3; i++) {
      await expect(verifier.verify(token)).resolves.toMatchObject({ issuer: issuer.url });
    }
    const forged = await issuer.sign({ alg: 'HS256', typ: 'at+jwt' }, await claims(), {
      secret: `${SECRET}x`,
    });
    await expect(verifier.verify(forged)).rejects.toMatchObject({ reason: 'bad_signature' });
    expect(issuer.requests).toEqual(before);
  });

  it('secret: the store gives its one key both ways, now and when asked', async () => {
    const config = { secret: Buffer.from(SECRET) } as unknown as Parameters<typeof keyStoreFor>[0];
    const store = keyStoreFor(config, issuer.url, undefined);
    const now = store.keyNow('HS256', undefined);
    expect(now).toMatchObject({ type: 'secret', symmetricKeySize: SECRET.length });
    expect(await store.getKey('HS256', 'any')).toBe(now);
    expect(store.issuer).toBe(issuer.url);
  });

  it('keys: the configured key set, no request', async () => {
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      keys: { keys: issuer.keys.map((key) => key.publicJwk) },
    });
    const before = { ...issuer.requests };
    await expect(verifier.verify(await issuer.mint())).resolves.toBeDefined();
    expect(issuer.requests).toEqual(before);
    expect(verifier.health().issuers[0]).toMatchObject({ issuer: issuer.url, ready: true });
  });

  it('jwksUri: fetched from there, without discovery; key events reach onEvent', async () => {
    const fresh = await createTestIssuer();
    try {
      const events: GatehouseEvent[] = [];
      const verifier = createVerifier({
        issuer: fresh.url,
        audience: fresh.audience,
        jwksUri: fresh.jwksUri,
        onEvent: (event) => events.push(event),
      });
      await expect(verifier.verify(await fresh.mint())).resolves.toBeDefined();
      expect(fresh.requests).toMatchObject({ discovery: 0, jwks: 1 });
      expect(verifier.health().issuers[0]).toMatchObject({ jwksUri: fresh.jwksUri, keyCount: 1 });
      expect(events.map((event) => event.type)).toContain('keys_refreshed');
    } finally {
      await fresh.close();
    }
  });

  it('neither: the keys come through discovery', async () => {
    const fresh = await createTestIssuer();
    try {
      const verifier = createVerifier({ issuer: fresh.url, audience: fresh.audience });
      await expect(verifier.verify(await fresh.mint())).resolves.toBeDefined();
      expect(fresh.requests).toMatchObject({ discovery: 1, jwks: 1 });
    } finally {
      await fresh.close();
    }
  });
});

/** Claims a verifier of `issuer` accepts. */
async function claims(): Promise<Record<string, unknown>> {
  const payload = (await issuer.mint()).split('.')[1] as string;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}
