import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestIssuer } from '@gatehouse/testing';
import { describe, expect, it } from 'vitest';
import { jwksUriProblem, metadataUrls } from '../src/discovery.js';
import { GatehouseError } from '../src/errors.js';
import { urlProblem } from '../src/internal/fetch-json.js';
import type { GatehouseEvent } from '../src/types.js';
import { options } from './support/key-store.js';

async function unavailable(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatehouseError);
  expect((error as GatehouseError).code).toBe('temporarily_unavailable');
}

const failureDetails = (events: GatehouseEvent[]) =>
  events.flatMap((event) => (event.type === 'keys_refresh_failed' ? [event.detail] : []));

/** A server on 127.0.0.1 that only answers `302 Location: target` (it serves no keys). */
async function redirectingServer(target: string): Promise<{ url: string } & AsyncDisposable> {
  const server = createServer((_req, res) => {
    res.writeHead(302, { location: target }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('well-known URLs', () => {
  it('OIDC Discovery §4.1 appends, RFC 8414 §3.1 inserts; a trailing slash is dropped', () => {
    expect(metadataUrls('https://h/p')).toEqual({
      openid: 'https://h/p/.well-known/openid-configuration',
      oauth: 'https://h/.well-known/oauth-authorization-server/p',
    });
    expect(metadataUrls('https://h/a/b/')).toEqual({
      openid: 'https://h/a/b/.well-known/openid-configuration',
      oauth: 'https://h/.well-known/oauth-authorization-server/a/b',
    });
    expect(metadataUrls('https://h')).toEqual({
      openid: 'https://h/.well-known/openid-configuration',
      oauth: 'https://h/.well-known/oauth-authorization-server',
    });
  });

  it('allows https, and http only for loopback hosts unless allowInsecureRequests', () => {
    expect(urlProblem('https://as.example.com/jwks', false)).toBeUndefined();
    for (const loopback of [
      'http://127.0.0.1:8080/jwks',
      'http://127.9.9.9/k',
      'http://localhost/k',
      'http://[::1]:1/k',
    ]) {
      expect(urlProblem(loopback, false)).toBeUndefined();
    }
    expect(urlProblem('http://as.example.com/jwks', false)).toBe(
      'http: is only allowed for loopback hosts',
    );
    expect(urlProblem('http://128.0.0.1/jwks', false)).toBeDefined();
    expect(urlProblem('http://localhost.evil.test/jwks', false)).toBeDefined();
    expect(urlProblem('http://as.example.com/jwks', true)).toBeUndefined();
    expect(urlProblem('file:///etc/passwd', true)).toBe('unsupported scheme file:');
    expect(urlProblem('/jwks', false)).toBe('not an absolute URL');
  });
});

describe('discovery against a live issuer', () => {
  it('uses the OIDC document first', async () => {
    await using issuer = await createTestIssuer({ discovery: 'oidc' });
    const { store, events } = options(issuer);
    await store.getKey('RS256', issuer.keys[0]!.kid);
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 1 });
    expect(events[0]).toEqual({ type: 'discovery', issuer: issuer.url, jwksUri: issuer.jwksUri });
  });

  it('falls back to RFC 8414 on 404, for an issuer with a path', async () => {
    await using issuer = await createTestIssuer({
      path: '/a/consumer/api/v0/oidc',
      discovery: 'oauth',
    });
    const { store, events } = options(issuer);
    const key = await store.getKey('RS256', issuer.keys[0]!.kid);
    expect(key.type).toBe('public');
    expect(issuer.requests).toMatchObject({ discovery: 2, jwks: 1 });
    expect(events[0]).toMatchObject({ type: 'discovery', jwksUri: issuer.jwksUri });
  });

  it('caches the discovered jwks_uri with the key set', async () => {
    await using issuer = await createTestIssuer();
    const { store } = options(issuer);
    await store.getKey('RS256', issuer.keys[0]!.kid);
    const rotated = await issuer.rotateKeys();
    await store.getKey('RS256', rotated.kid);
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 2 });
  });

  it('does not fall back on a 500', async () => {
    await using issuer = await createTestIssuer();
    issuer.setFault({ type: 'status', status: 500, target: 'discovery' });
    const { store, events } = options(issuer);
    await unavailable(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(issuer.requests.discovery).toBe(1);
    expect(failureDetails(events)).toEqual(['discovery: HTTP 500']);
  });

  it('does not fall back on a timeout', async () => {
    await using issuer = await createTestIssuer();
    issuer.setFault({ type: 'slow', ms: 1_000, target: 'discovery' });
    const { store, events } = options(issuer, { timeoutMs: 200 });
    await unavailable(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(issuer.requests.discovery).toBe(1);
    expect(failureDetails(events)).toEqual(['discovery: timeout after 200 ms']);
  });

  it('reports when neither document exists', async () => {
    await using issuer = await createTestIssuer({ discovery: 'none' });
    const { store, events } = options(issuer);
    await unavailable(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(issuer.requests).toMatchObject({ discovery: 2, jwks: 0 });
    expect(failureDetails(events)).toEqual([
      'discovery: HTTP 404 (after HTTP 404 for openid-configuration)',
    ]);
  });

  it('refuses metadata whose issuer differs from the configured one (OIDC Discovery §4.3, RFC 8414 §3.3)', async () => {
    await using issuer = await createTestIssuer();
    // Same well-known URL (a terminating "/" is dropped to build it), but not string-identical.
    const { store, events } = options(issuer, { issuer: `${issuer.url}/` });
    await unavailable(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(failureDetails(events)).toEqual([
      `discovery: issuer mismatch (metadata names ${JSON.stringify(issuer.url)})`,
    ]);
    expect(issuer.requests).toMatchObject({ discovery: 1, jwks: 0 });
  });

  it('refuses an http jwks_uri on a non-loopback host without sending a request', async () => {
    await using issuer = await createTestIssuer();
    const { store, events } = options(issuer, { jwksUri: 'http://192.0.2.1/jwks' });
    const started = performance.now();
    await unavailable(store.getKey('RS256', issuer.keys[0]!.kid));
    expect(performance.now() - started).toBeLessThan(200);
    expect(failureDetails(events)).toEqual([
      'refused URL: http: is only allowed for loopback hosts',
    ]);
  });

  it('refuses to follow a redirect, for discovery and for the JWKS', async () => {
    await using issuer = await createTestIssuer();
    await using toMetadata = await redirectingServer(issuer.wellKnown.oidc);
    await using toJwks = await redirectingServer(issuer.jwksUri);
    const viaDiscovery = options(issuer, { issuer: toMetadata.url });
    await unavailable(viaDiscovery.store.getKey('RS256', issuer.keys[0]!.kid));
    expect(failureDetails(viaDiscovery.events)).toEqual(['discovery: redirect refused (HTTP 302)']);
    const viaJwks = options(issuer, { jwksUri: `${toJwks.url}/jwks` });
    await unavailable(viaJwks.store.getKey('RS256', issuer.keys[0]!.kid));
    expect(failureDetails(viaJwks.events)).toEqual(['redirect refused (HTTP 302)']);
    expect(issuer.requests.total).toBe(0);
  });
});

/** An issuer on 127.0.0.1 whose metadata names `jwksUri` (which may be anywhere). */
async function issuerNaming(jwksUri: string): Promise<{ url: string } & AsyncDisposable> {
  let url = '';
  const server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ issuer: url, jwks_uri: jwksUri }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    [Symbol.asyncDispose]: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('where a discovered jwks_uri may point', () => {
  it('refuses loopback and link-local targets for an issuer that is not one', () => {
    const policy = { sameOrigin: false };
    for (const target of [
      'https://127.0.0.1/jwks',
      'https://localhost:8443/jwks',
      'https://[::1]/jwks',
      'https://0.0.0.0/jwks',
      'https://[::ffff:127.0.0.1]/jwks',
    ]) {
      expect(jwksUriProblem(target, 'https://as.example.com', policy)).toBe(
        'a loopback host for an issuer that is not one',
      );
    }
    for (const target of [
      'https://169.254.169.254/latest/meta-data',
      'https://[fe80::1]/jwks',
      'https://[::ffff:169.254.169.254]/x',
    ]) {
      expect(jwksUriProblem(target, 'https://as.example.com', policy)).toBe(
        'a link-local host for an issuer that is not one',
      );
    }
    expect(jwksUriProblem('https://keys.example.net/jwks', 'https://as.example.com', policy)).toBe(
      undefined,
    );
    expect(jwksUriProblem('http://127.0.0.1:9/jwks', 'http://localhost:8080', policy)).toBe(
      undefined,
    );
  });

  it('judges host names as the URL parser writes them, and the issuer by the same rule', () => {
    const policy = { sameOrigin: false };
    const asExample = 'https://as.example.com';
    for (const [target, kind] of [
      ['https://[::]/k', 'loopback'],
      ['https://[::ffff:127.0.1.0]/k', 'loopback'],
      ['https://[fe9a::1]/k', 'link-local'],
      ['https://[febf:1::1]/k', 'link-local'],
      ['https://[::ffff:169.254.0.1]/k', 'link-local'],
      ['https://169.254.1.10/k', 'link-local'],
    ] as const) {
      expect(jwksUriProblem(target, asExample, policy)).toBe(
        `a ${kind} host for an issuer that is not one`,
      );
    }
    // Names that merely start or end like a local address, and site-local IPv6, are not local.
    for (const target of [
      'https://0.0.0.0.example.com/k',
      'https://169.254.1.1.example.com/k',
      'https://[fec0::1]/k',
      'https://[::ffff:7f00:1:0]/k',
    ]) {
      expect(jwksUriProblem(target, asExample, policy)).toBeUndefined();
    }
    // A link-local issuer (a sidecar) may name its own kind, not a loopback host.
    expect(jwksUriProblem('http://169.254.1.2/k', 'http://169.254.1.1', policy)).toBeUndefined();
    expect(jwksUriProblem('http://127.0.0.1/k', 'http://169.254.1.1', policy)).toBe(
      'a loopback host for an issuer that is not one',
    );
    // sameOrigin: the port and the scheme count, the path does not.
    const same = { sameOrigin: true };
    expect(jwksUriProblem('https://as.example.com/a/jwks', `${asExample}/t`, same)).toBeUndefined();
    for (const target of ['https://as.example.com:8443/jwks', 'http://as.example.com/jwks']) {
      expect(jwksUriProblem(target, asExample, same)).toBe(
        `not on the issuer's origin ${asExample} (keyFetch.sameOrigin)`,
      );
    }
  });

  it('refuses a link-local jwks_uri of a loopback issuer without sending a request', async () => {
    await using metadata = await issuerNaming('http://169.254.169.254/latest/meta-data');
    const events: GatehouseEvent[] = [];
    // Even with http allowed everywhere, the target itself is refused.
    const { store } = options({ url: metadata.url } as never, {
      allowInsecureRequests: true,
      onEvent: (e) => events.push(e),
    });
    await unavailable(store.getKey('RS256', 'k'));
    expect(failureDetails(events)).toEqual([
      'discovery: jwks_uri refused (a link-local host for an issuer that is not one)',
    ]);
  });

  it('keyFetch.sameOrigin: a jwks_uri on another origin is refused, the same one accepted', async () => {
    await using issuer = await createTestIssuer();
    await using metadata = await issuerNaming(issuer.jwksUri);
    const elsewhere = options({ url: metadata.url } as never, { sameOrigin: true });
    await unavailable(elsewhere.store.getKey('RS256', issuer.keys[0]!.kid));
    expect(failureDetails(elsewhere.events)).toEqual([
      `discovery: jwks_uri refused (not on the issuer's origin ${metadata.url} (keyFetch.sameOrigin))`,
    ]);
    expect(issuer.requests.jwks).toBe(0);
    const anywhere = options({ url: metadata.url } as never);
    await expect(anywhere.store.getKey('RS256', issuer.keys[0]!.kid)).resolves.toBeDefined();
    const own = options(issuer, { sameOrigin: true });
    await expect(own.store.getKey('RS256', issuer.keys[0]!.kid)).resolves.toBeDefined();
  });
});
