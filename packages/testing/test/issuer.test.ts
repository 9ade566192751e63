import { createTestIssuer, type TestIssuerOptions } from '@gatehouse/testing';
import { describe, expect, it } from 'vitest';

describe('lifecycle', () => {
  it('close() returns quickly with a slow request in flight, which then fails', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] });
    issuer.setFault({ type: 'slow', ms: 30_000 });
    const inFlight = fetch(issuer.jwksUri).then(
      () => 'answered',
      () => 'failed',
    );
    while (issuer.requests.jwks === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const started = performance.now();
    await issuer.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await inFlight).toBe('failed');
  });

  it('close() cuts keep-alive sockets and unread streams, and is idempotent', async () => {
    const issuer = await createTestIssuer({ algorithms: ['ES256'] });
    expect((await fetch(issuer.jwksUri)).status).toBe(200); // leaves a keep-alive socket
    issuer.setFault({ type: 'huge', bytes: 50 * 1024 * 1024 });
    const unread = await fetch(issuer.jwksUri); // headers only; the body stalls on backpressure
    const started = performance.now();
    const first = issuer.close();
    expect(issuer.close()).toBe(first);
    await first;
    await issuer.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(unread.text()).rejects.toThrow();
    await expect(fetch(issuer.jwksUri)).rejects.toThrow(TypeError);
  });

  it('supports await using', async () => {
    let url = '';
    {
      await using issuer = await createTestIssuer({ algorithms: ['EdDSA'] });
      url = issuer.jwksUri;
      expect((await fetch(url)).status).toBe(200);
    }
    await expect(fetch(url)).rejects.toThrow(TypeError);
  });

  it('listens on 127.0.0.1 only, on a port of its own', async () => {
    await using a = await createTestIssuer({ algorithms: ['ES256'] });
    await using b = await createTestIssuer({ algorithms: ['ES256'] });
    expect(new URL(a.url).hostname).toBe('127.0.0.1');
    expect(new URL(a.url).port).not.toBe(new URL(b.url).port);
  });

  it('exposes its options: audience, clients, endpoints', async () => {
    await using issuer = await createTestIssuer({ algorithms: ['ES256'], audience: 'urn:api' });
    expect(issuer.audience).toBe('urn:api');
    expect(issuer.jwksUri).toBe(`${issuer.url}/jwks`);
    expect(issuer.tokenEndpoint).toBe(`${issuer.url}/token`);
    expect(issuer.clients).toEqual([{ clientId: 'test-client', clientSecret: 'test-secret' }]);
  });
});

describe('options', () => {
  it.each([
    [{ algorithms: ['HS256'] }, /options\.algorithms\[0\]/],
    [{ algorithms: 'RS256' }, /options\.algorithms must be an array/],
    [{ discovery: 'openid' }, /options\.discovery/],
    [{ audience: '' }, /options\.audience/],
    [{ accessTokenTtl: -1 }, /options\.accessTokenTtl/],
    [{ jwksMaxAge: Number.POSITIVE_INFINITY }, /options\.jwksMaxAge/],
    [{ clients: [{ clientSecret: 's' }] }, /options\.clients\[0\]\.clientId/],
    [{ clients: [{ clientId: 'c' }] }, /options\.clients\[0\]\.clientSecret/],
    [{ path: '/a?b' }, /options\.path/],
  ])('rejects %o naming the option', async (options, message) => {
    await expect(createTestIssuer(options as unknown as TestIssuerOptions)).rejects.toThrow(
      message,
    );
  });
});
