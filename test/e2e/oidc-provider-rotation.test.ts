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

beforeAll(async () => {
  provider = await startProvider();
  client = await connectClient(provider);
  apis = await startApis({ issuer: provider.issuer, audience: API_RESOURCE }, 'accounts:read');
});

afterAll(async () => {
  await closeApis(apis ?? {});
  await provider?.close();
});

describe('key rotation at oidc-provider, APIs not restarted', () => {
  it('tokens signed before and after the rotation are accepted by every framework', async () => {
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
    }
  });
});
