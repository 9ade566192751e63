import type { GatehouseEvent } from '@gatehouse/core';
import { decodeProtectedHeader } from 'jose';
import type { Configuration } from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  closeApis,
  FRAMEWORKS,
  type Framework,
  type RunningApi,
  startApis,
} from './support/apis.js';
import { clientCredentialsToken, connectClient, signIn } from './support/client.js';
import { API_RESOURCE, type RunningProvider, startProvider, USER } from './support/provider.js';

// Rotation as a deployment does it: the provider is redeployed (a new oidc-provider instance on
// the same issuer) with a new key first in its JWKS, so it signs with it, and the old key still
// published. The APIs keep running: they must pick the new key up by themselves.
let provider: RunningProvider;
let client: Configuration;
let apis: Record<Framework, RunningApi>;
/** Key refreshes of each API's own key store, by trigger. */
const refreshes: Record<Framework, string[]> = { express: [], koa: [], fastify: [] };

beforeAll(async () => {
  provider = await startProvider();
  client = await connectClient(provider);
  // Distinct key-fetch settings give each API a key store of its own: with one shared store, the
  // first API to see the new kid would refetch for all three and the others would prove nothing.
  const own = (framework: Framework, timeout: number) => ({
    keyFetch: { timeout },
    onEvent: (event: GatehouseEvent) => {
      if (event.type === 'keys_refreshed') refreshes[framework].push(event.trigger);
    },
  });
  apis = await startApis({ issuer: provider.issuer, audience: API_RESOURCE }, 'accounts:read', {
    express: own('express', 5),
    koa: own('koa', 6),
    fastify: own('fastify', 7),
  });
});

afterAll(async () => {
  await closeApis(apis ?? {});
  await provider?.close();
});

describe('key rotation at oidc-provider, APIs not restarted', () => {
  it('tokens signed before and after the rotation are accepted by every framework, each with its own key store', async () => {
    const before = await clientCredentialsToken(client, 'accounts:read');
    const [oldKid] = provider.kids;
    expect(decodeProtectedHeader(before).kid).toBe(oldKid);
    for (const framework of FRAMEWORKS) {
      // Primes each API's key cache with the old JWKS.
      expect((await call(apis[framework], '/protected', before)).status).toBe(200);
    }

    await provider.rotateKeys();
    const [newKid, stillPublished] = provider.kids;
    expect(newKid).not.toBe(oldKid);
    expect(stillPublished).toBe(oldKid);

    const machine = await clientCredentialsToken(client, 'accounts:read');
    const user = await signIn(client, provider, 'openid accounts:read');
    expect(decodeProtectedHeader(machine).kid).toBe(newKid);
    expect(decodeProtectedHeader(user.accessToken).kid).toBe(newKid);

    for (const framework of FRAMEWORKS) {
      const api = apis[framework];
      expect((await call(api, '/protected', machine)).status, framework).toBe(200);
      const answer = await call(api, '/whoami', user.accessToken);
      expect(answer.status, framework).toBe(200);
      expect(answer.body['subject'], framework).toBe(USER);
      // The old key is still published: tokens issued before the rotation stay valid.
      expect((await call(api, '/protected', before)).status, framework).toBe(200);
      // This API fetched the keys itself, then refetched them for the new kid.
      expect(refreshes[framework], framework).toEqual(['initial', 'unknown_kid']);
    }
  });
});
