import { createTestIssuer, type Fault, type TestIssuer } from '@gatehouse/testing';
import { afterEach, describe, expect, it } from 'vitest';

let issuer: TestIssuer | undefined;
afterEach(async () => {
  await issuer?.close();
  issuer = undefined;
});

async function start(): Promise<TestIssuer> {
  issuer = await createTestIssuer({ algorithms: ['ES256'] });
  return issuer;
}

describe('faults', () => {
  it('down resets the connection, so fetch rejects, and setFault(null) restores', async () => {
    const issuer = await start();
    issuer.setFault({ type: 'down' });
    const error = await fetch(issuer.jwksUri).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe('ECONNRESET');
    await expect(fetch(issuer.wellKnown.oidc)).rejects.toThrow(TypeError);
    expect(issuer.requests).toMatchObject({ jwks: 1, discovery: 1 });
    issuer.setFault(null);
    expect(issuer.fault).toBeNull();
    expect((await fetch(issuer.jwksUri)).status).toBe(200);
  });

  it('slow delays the answer by ms, then answers normally', async () => {
    const issuer = await start();
    issuer.setFault({ type: 'slow', ms: 300 });
    const started = performance.now();
    const res = await fetch(issuer.jwksUri);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { keys: unknown[] }).keys).toHaveLength(1);
    // Node may fire a timer up to 1 ms early relative to performance.now().
    expect(elapsed).toBeGreaterThanOrEqual(298);
  });

  it('status answers the given status with a JSON error, 500 by default', async () => {
    const issuer = await start();
    issuer.setFault({ type: 'status', status: 503 });
    const res = await fetch(issuer.jwksUri);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'server_error' });
    issuer.setFault({ type: 'status' });
    expect((await fetch(issuer.wellKnown.oauth)).status).toBe(500);
  });

  it('garbage answers 200 with a body that is not JSON', async () => {
    const issuer = await start();
    issuer.setFault({ type: 'garbage', target: 'discovery' });
    const res = await fetch(issuer.wellKnown.oidc);
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow(SyntaxError);
  });

  it('huge streams 2 MiB of valid JSON without Content-Length by default', async () => {
    const issuer = await start();
    issuer.setFault({ type: 'huge' });
    const res = await fetch(issuer.jwksUri);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBeNull();
    const text = await res.text();
    expect(Buffer.byteLength(text)).toBe(2 * 1024 * 1024);
    expect(JSON.parse(text)).toMatchObject({ keys: [] });
  });

  it('huge honours bytes', async () => {
    const issuer = await start();
    issuer.setFault({ type: 'huge', bytes: 100_000 });
    expect(Buffer.byteLength(await (await fetch(issuer.jwksUri)).text())).toBe(100_000);
  });

  it('hits only its target route', async () => {
    const issuer = await start();
    issuer.setFault({ type: 'status', status: 502, target: 'jwks' });
    expect((await fetch(issuer.jwksUri)).status).toBe(502);
    expect((await fetch(issuer.wellKnown.oidc)).status).toBe(200);
    issuer.setFault({ type: 'status', status: 502, target: 'discovery' });
    expect((await fetch(issuer.jwksUri)).status).toBe(200);
    expect((await fetch(issuer.wellKnown.oauth)).status).toBe(502);
    issuer.setFault({ type: 'status', status: 502, target: 'token' });
    expect((await fetch(issuer.tokenEndpoint, { method: 'POST' })).status).toBe(502);
    expect((await fetch(issuer.jwksUri)).status).toBe(200);
    expect(issuer.fault).toEqual({ type: 'status', status: 502, target: 'token' });
  });

  it.each([
    [{ type: 'flaky' }, /unknown fault type/],
    [{ type: 'down', target: 'everything' }, /unknown fault target/],
    [{ type: 'status', status: 99 }, /fault\.status/],
    [{ type: 'slow', ms: -1 }, /fault\.ms/],
    [{ type: 'huge', bytes: Number.NaN }, /fault\.bytes/],
  ])('rejects the invalid fault %o', async (fault, message) => {
    const issuer = await start();
    expect(() => issuer.setFault(fault as unknown as Fault)).toThrow(message);
    expect(issuer.fault).toBeNull();
  });
});
