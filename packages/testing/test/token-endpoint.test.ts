import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({
    algorithms: ['ES256'],
    clients: [
      { clientId: 'test-client', clientSecret: 'test-secret' },
      { clientId: 'reader', clientSecret: 'r-secret', scope: 'read write', audience: 'urn:reader' },
      { clientId: 'odd:id', clientSecret: 'p@ss word+%' },
    ],
  });
});
afterAll(() => issuer.close());

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

function post(form: Record<string, string | string[]>, authorization?: string) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) {
    for (const item of [value].flat()) body.append(name, item);
  }
  return fetch(issuer.tokenEndpoint, {
    method: 'POST',
    headers: authorization ? { authorization } : {},
    body,
  });
}

async function expectError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(((await res.json()) as { error: string }).error).toBe(error);
}

describe('token endpoint: client credentials', () => {
  it('issues an RFC 9068 token to a client_secret_basic client', async () => {
    issuer.resetCounters();
    const res = await post(
      { grant_type: 'client_credentials' },
      basic('test-client', 'test-secret'),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 600,
    });
    const { payload, protectedHeader } = await jwtVerify(
      body.access_token as string,
      createRemoteJWKSet(new URL(issuer.jwksUri)),
      { issuer: issuer.url, audience: issuer.audience, typ: 'at+jwt' },
    );
    expect(protectedHeader.kid).toBe(issuer.keys[0]?.kid);
    expect(payload).toMatchObject({ sub: 'test-client', client_id: 'test-client' });
    expect(payload).not.toHaveProperty('scope');
    expect(issuer.requests.token).toBe(1);
  });

  it('accepts client_secret_post and grants the client scope by default', async () => {
    const res = await post({
      grant_type: 'client_credentials',
      client_id: 'reader',
      client_secret: 'r-secret',
    });
    const body = (await res.json()) as { access_token: string; scope: string };
    expect(body.scope).toBe('read write');
    expect(decodeJwt(body.access_token)).toMatchObject({ scope: 'read write', aud: 'urn:reader' });
  });

  it('grants a requested subset of the client scope', async () => {
    const res = await post(
      { grant_type: 'client_credentials', scope: 'read' },
      basic('reader', 'r-secret'),
    );
    const body = (await res.json()) as { access_token: string; scope: string };
    expect(body.scope).toBe('read');
    expect(decodeJwt(body.access_token).scope).toBe('read');
  });

  it('sets aud from resource (RFC 8707) and audience parameters', async () => {
    const auth = basic('test-client', 'test-secret');
    const one = await post({ grant_type: 'client_credentials', resource: 'https://a.test' }, auth);
    const { access_token: first } = (await one.json()) as { access_token: string };
    expect(decodeJwt(first).aud).toBe('https://a.test');
    const two = await post(
      { grant_type: 'client_credentials', resource: ['https://a.test', 'https://b.test'] },
      auth,
    );
    const { access_token: second } = (await two.json()) as { access_token: string };
    expect(decodeJwt(second).aud).toEqual(['https://a.test', 'https://b.test']);
    const aud = await post({ grant_type: 'client_credentials', audience: 'my-api' }, auth);
    const { access_token: third } = (await aud.json()) as { access_token: string };
    expect(decodeJwt(third).aud).toBe('my-api');
  });

  it('decodes form-encoded Basic credentials (RFC 6749 §2.3.1)', async () => {
    const res = await post({ grant_type: 'client_credentials' }, basic('odd:id', 'p@ss word+%'));
    expect(res.status).toBe(200);
  });

  it.each([
    ['a wrong secret', basic('test-client', 'nope')],
    ['an unknown client', basic('ghost', 'test-secret')],
    ['no credentials', undefined],
    ['another scheme', 'Bearer abc'],
    ['malformed Basic', `Basic ${Buffer.from('no-colon').toString('base64')}`],
  ])('answers 401 invalid_client with WWW-Authenticate for %s', async (_, authorization) => {
    const res = await post({ grant_type: 'client_credentials' }, authorization);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    await expectError(res, 401, 'invalid_client');
  });

  it('rejects a posted secret that is wrong', async () => {
    const res = await post({
      grant_type: 'client_credentials',
      client_id: 'reader',
      client_secret: 'x',
    });
    await expectError(res, 401, 'invalid_client');
  });

  it('rejects two authentication methods at once with invalid_request', async () => {
    const res = await post(
      { grant_type: 'client_credentials', client_id: 'test-client', client_secret: 'test-secret' },
      basic('test-client', 'test-secret'),
    );
    await expectError(res, 400, 'invalid_request');
  });

  it('answers invalid_request without grant_type', async () => {
    await expectError(await post({}, basic('test-client', 'test-secret')), 400, 'invalid_request');
  });

  it('answers unsupported_grant_type for other grants', async () => {
    const res = await post({ grant_type: 'password' }, basic('test-client', 'test-secret'));
    await expectError(res, 400, 'unsupported_grant_type');
  });

  it('answers invalid_scope for a scope beyond the client scope', async () => {
    const res = await post(
      { grant_type: 'client_credentials', scope: 'read admin' },
      basic('reader', 'r-secret'),
    );
    await expectError(res, 400, 'invalid_scope');
  });

  it('answers invalid_target for a resource that is not an absolute URI', async () => {
    const auth = basic('test-client', 'test-secret');
    await expectError(
      await post({ grant_type: 'client_credentials', resource: 'api' }, auth),
      400,
      'invalid_target',
    );
    await expectError(
      await post({ grant_type: 'client_credentials', resource: 'https://a.test/#x' }, auth),
      400,
      'invalid_target',
    );
  });

  it('answers invalid_request for a JSON body and 405 for GET', async () => {
    const json = await fetch(issuer.tokenEndpoint, {
      method: 'POST',
      headers: {
        authorization: basic('test-client', 'test-secret'),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    await expectError(json, 400, 'invalid_request');
    const get = await fetch(issuer.tokenEndpoint);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('answers invalid_request for a body over 64 KiB', async () => {
    const res = await post(
      { grant_type: 'client_credentials', scope: 'x'.repeat(70_000) },
      basic('test-client', 'test-secret'),
    );
    await expectError(res, 400, 'invalid_request');
  });
});
