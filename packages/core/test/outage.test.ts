import { createTestIssuer } from '@gatehouse/testing';
import { describe, expect, it } from 'vitest';
import { createVerifier } from '../src/verify.js';

describe('issuer outages, seen through the verifier', () => {
  it('100 concurrent cold verifications make one discovery and one JWKS request', async () => {
    await using issuer = await createTestIssuer();
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      cache: false,
    });
    const tokens = await Promise.all(
      Array.from({ length: 100 }, (_, i) => issuer.mint({ jti: `c${i}` })),
    );
    const results = await Promise.all(tokens.map((t) => verifier.verify(t)));
    expect(results).toHaveLength(100);
    expect(issuer.requests.jwks).toBe(1);
    expect(issuer.requests.discovery).toBe(1);
  });

  it('warm: keeps verifying with the cached keys while the issuer is down', async () => {
    await using issuer = await createTestIssuer();
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      cache: false,
    });
    await verifier.verify(await issuer.mint());
    issuer.setFault({ type: 'down' });
    await expect(
      verifier.verify(await issuer.mint({ jti: 'during-outage' })),
    ).resolves.toBeDefined();
  });

  it('cold, issuer down: temporarily_unavailable with Retry-After, at once', async () => {
    await using issuer = await createTestIssuer();
    issuer.setFault({ type: 'down' });
    const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
    const started = performance.now();
    const error = await verifier.verify(await issuer.mint()).catch((e) => e);
    expect(error).toMatchObject({
      code: 'temporarily_unavailable',
      reason: 'keys_unavailable',
      status: 503,
    });
    expect(error.retryAfter).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('cold, issuer hanging: gives up within the fetch timeout, discovery and JWKS together', async () => {
    await using issuer = await createTestIssuer();
    issuer.setFault({ type: 'slow', ms: 5000 });
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      keyFetch: { timeout: 0.4 },
    });
    const started = performance.now();
    await expect(verifier.verify(await issuer.mint())).rejects.toMatchObject({
      code: 'temporarily_unavailable',
    });
    expect(performance.now() - started).toBeLessThan(900);
  });

  it.each([{ type: 'status', status: 500 }, { type: 'garbage' }, { type: 'huge' }] as const)(
    'cold, issuer answering %j: temporarily_unavailable, never invalid_token',
    async (fault) => {
      await using issuer = await createTestIssuer();
      issuer.setFault({ ...fault, target: 'jwks' });
      const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
      await expect(verifier.verify(await issuer.mint())).rejects.toMatchObject({
        code: 'temporarily_unavailable',
      });
    },
  );

  it('recovers once the issuer is back', async () => {
    await using issuer = await createTestIssuer();
    issuer.setFault({ type: 'down' });
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      keyFetch: { cooldown: 0 },
    });
    await expect(verifier.verify(await issuer.mint())).rejects.toMatchObject({
      code: 'temporarily_unavailable',
    });
    issuer.setFault(null);
    const token = await issuer.mint();
    await expect
      .poll(
        async () =>
          verifier.verify(token).then(
            () => 'ok',
            (e) => e.code,
          ),
        { timeout: 10_000, interval: 200 },
      )
      .toBe('ok');
  });
});
