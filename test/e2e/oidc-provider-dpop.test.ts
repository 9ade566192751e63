import { randomBytes } from 'node:crypto';
import { createDpopKey } from '@gatehouse/testing';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, closeApis, FRAMEWORKS, type RunningApi, startApis } from './support/apis.js';
import { parseChallenges } from './support/challenge.js';
import { connectClient } from './support/client.js';
import { API_RESOURCE, type RunningProvider, startProvider } from './support/provider.js';

// oidc-provider issues DPoP-bound access tokens (`cnf.jkt`, token_type DPoP) and openid-client
// presents them with its own proofs, handling the APIs' server nonces (RFC 9449 §9) itself.
let provider: RunningProvider;
let client: oidc.Configuration;
let dpop: oidc.DPoPHandle;
let apis: Record<(typeof FRAMEWORKS)[number], RunningApi>;
let token: string;
const refusals: string[] = [];

beforeAll(async () => {
  provider = await startProvider();
  client = await connectClient(provider);
  dpop = oidc.getDPoPHandle(client, await oidc.randomDPoPKeyPair('ES256'));
  apis = await startApis(
    {
      issuer: provider.issuer,
      audience: API_RESOURCE,
      dpop: { nonce: { secret: randomBytes(32).toString('base64url') } },
      onEvent: (event) => {
        if (event.type === 'token_rejected') refusals.push(event.reason);
      },
    },
    'accounts:read',
  );
  const grant = await oidc.clientCredentialsGrant(
    client,
    { scope: 'accounts:read', resource: API_RESOURCE },
    { DPoP: dpop },
  );
  expect(grant.token_type).toBe('dpop');
  token = grant.access_token;
});

afterAll(async () => {
  await closeApis(apis ?? {});
  await provider?.close();
});

/** A GET as openid-client makes it: its own proof, and a retry with the nonce when asked. */
const get = (url: URL) =>
  oidc.fetchProtectedResource(client, token, url, 'GET', undefined, undefined, { DPoP: dpop });

describe.each(FRAMEWORKS)('a DPoP-bound oidc-provider token at a %s API', (framework) => {
  it('openid-client gets 200, learning the server nonce on the way (use_dpop_nonce)', async () => {
    const url = new URL(`${apis[framework].url}/protected`);
    refusals.length = 0;
    const response = await get(url);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      issuer: provider.issuer,
      clientId: provider.client.id,
      scopes: ['accounts:read'],
    });
    // Again, with the nonce openid-client now holds: no extra round trip needed.
    const again = await get(url);
    expect(again.status).toBe(200);
    // openid-client keeps a nonce per origin and each API has its own: one use_dpop_nonce each.
    expect(refusals).toEqual(['dpop_nonce_required']);
  });

  it('the same token sent as Bearer: 401 invalid_token (RFC 9449 §7.2)', async () => {
    const answer = await call(apis[framework], '/whoami', token);
    expect(answer.status).toBe(401);
    expect(answer.body['error']).toBe('invalid_token');
    expect(parseChallenges(answer.challenge)).toMatchObject([
      { scheme: 'Bearer', params: { error: 'invalid_token' } },
      { scheme: 'DPoP', params: { algs: 'ES256 ES256K ES384 ES512 PS256 PS384' } },
    ]);
  });

  it('the token with a proof of another key: 401 invalid_token on the DPoP challenge', async () => {
    const thief = await createDpopKey();
    const url = `${apis[framework].url}/whoami`;
    const response = await fetch(url, {
      headers: {
        authorization: `DPoP ${token}`,
        dpop: thief.proof({ method: 'GET', url, accessToken: token }),
      },
    });
    expect(response.status).toBe(401);
    expect(parseChallenges(response.headers.get('www-authenticate'))).toMatchObject([
      { scheme: 'Bearer', params: {} },
      {
        scheme: 'DPoP',
        params: { error: 'invalid_token', error_description: 'Invalid DPoP key binding' },
      },
    ]);
  });
});
