import type { JsonWebKey } from 'node:crypto';
import {
  createVerifier,
  type GatehouseEvent,
  type IntrospectionOptions,
  type Verifier,
  type VerifierOptions,
} from '@gatehouse/core';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseChallenge } from '../behaviour/challenge.js';
import {
  call,
  closeApis,
  FRAMEWORKS,
  type Framework,
  type RunningApi,
  startApis,
} from './support/apis.js';
import { clientCredentialsToken, connectClient } from './support/client.js';
import {
  API_RESOURCE,
  JWT_ANSWERS_RESOURCE_SERVER,
  JWT_RESOURCE_SERVER,
  RESOURCE_SERVER_CLIENTS,
  type RunningProvider,
  startProvider,
} from './support/provider.js';

// Opaque access tokens from oidc-provider, checked at its real introspection endpoint
// (RFC 7662), found through its discovery document, by the three adapters; JSON answers and
// RFC 9701 signed (JWT) answers.

const NOTES = 'https://notes.gatehouse.test';
const SCOPE = 'notes:read';
/** Another API of the same provider, also with opaque tokens. */
const DIARY = 'https://diary.gatehouse.test';

let provider: RunningProvider;
let client: oidc.Configuration;
let apis: Record<Framework, RunningApi>;
let jwtAnswerApis: Record<Framework, RunningApi>;
let events: GatehouseEvent[];

/** The options of an API of {@link NOTES} whose issuer entry introspects. */
const optionsWith = (introspection: Partial<IntrospectionOptions> = {}): VerifierOptions => ({
  issuer: {
    issuer: provider.issuer,
    introspection: {
      clientId: RESOURCE_SERVER_CLIENTS.basic.id,
      clientSecret: RESOURCE_SERVER_CLIENTS.basic.secret,
      ...introspection,
    },
  },
  audience: NOTES,
  onEvent: (event) => events.push(event),
});
const introspecting = (introspection: Partial<IntrospectionOptions> = {}): Verifier =>
  createVerifier(optionsWith(introspection));
/** RFC 9701: signed answers, asked for and required. */
const JWT_ANSWERS = {
  clientId: JWT_ANSWERS_RESOURCE_SERVER.id,
  clientSecret: JWT_ANSWERS_RESOURCE_SERVER.secret,
  response: 'jwt',
} satisfies IntrospectionOptions;

const opaqueToken = async () => {
  const token = await clientCredentialsToken(client, SCOPE, NOTES);
  expect(token).not.toContain('.'); // opaque, not a JWT
  return token;
};

beforeAll(async () => {
  events = [];
  provider = await startProvider({ [NOTES]: [SCOPE], [DIARY]: ['diary:read'] }, [NOTES, DIARY]);
  client = await connectClient(provider);
  apis = await startApis(optionsWith(), SCOPE);
  jwtAnswerApis = await startApis(optionsWith(JWT_ANSWERS), SCOPE);
});

afterAll(async () => {
  await closeApis(apis ?? {});
  await closeApis(jwtAnswerApis ?? {});
  await provider?.close();
});

describe.each(FRAMEWORKS)('opaque tokens at a %s API (RFC 7662)', (framework) => {
  it('an active opaque token for this API → 200, the context filled from the response', async () => {
    const answer = await call(apis[framework], '/protected', await opaqueToken());
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      issuer: provider.issuer,
      subject: null,
      clientId: provider.client.id,
      scopes: [SCOPE],
    });
  });

  it('a revoked token → 401 invalid_token (the endpoint says active: false)', async () => {
    const token = await opaqueToken();
    await oidc.tokenRevocation(client, token, { token_type_hint: 'access_token' });
    const answer = await call(apis[framework], '/whoami', token);
    expect(answer.status).toBe(401);
    expect(parseChallenge(answer.challenge ?? '').params.error).toBe('invalid_token');
  });

  it('a made-up opaque token → 401 invalid_token', async () => {
    const answer = await call(apis[framework], '/whoami', 'Zm9yZ2VkLW9wYXF1ZS10b2tlbg');
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_token');
  });

  it('an opaque token the same provider issued for another API → 401 (its aud is not ours)', async () => {
    const token = await clientCredentialsToken(client, 'diary:read', DIARY);
    expect(token).not.toContain('.');
    const answer = await call(apis[framework], '/whoami', token);
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_token');
  });

  it('a JWT for another API of the same provider is verified locally and refused', async () => {
    const token = await clientCredentialsToken(client, 'accounts:read', API_RESOURCE);
    const answer = await call(apis[framework], '/whoami', token);
    expect(answer.status).toBe(401);
  });
});

describe.each(FRAMEWORKS)('RFC 9701 signed introspection answers at a %s API', (framework) => {
  it('an active opaque token → 200, from the verified JWT answer', async () => {
    const before = events.length;
    const answer = await call(jwtAnswerApis[framework], '/protected', await opaqueToken());
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ issuer: provider.issuer, scopes: [SCOPE] });
    expect(events.slice(before).some((event) => event.type === 'introspection_failed')).toBe(false);
  });

  it('a revoked token → 401 invalid_token (the signed answer says active: false)', async () => {
    const token = await opaqueToken();
    await oidc.tokenRevocation(client, token, { token_type_hint: 'access_token' });
    const answer = await call(jwtAnswerApis[framework], '/whoami', token);
    expect(answer.status).toBe(401);
    expect(answer.body.error).toBe('invalid_token');
  });
});

describe('introspection against oidc-provider, directly', () => {
  it("tokens: 'jwt' at oidc-provider, which refuses to introspect JWTs (400) → 503, never a 200", async () => {
    // oidc-provider answers unsupported_token_type for structured tokens: revocation of its
    // JWTs cannot be seen there, and Gatehouse does not pretend it was.
    const token = await clientCredentialsToken(client, 'accounts:read', API_RESOURCE);
    const verifier = createVerifier({
      ...optionsWith({ tokens: 'jwt' }),
      audience: API_RESOURCE,
    });
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'temporarily_unavailable',
      reason: 'introspection_unavailable',
    });
  });

  it('a signed answer verified with the keys of another issuer → 503 (the signature is checked)', async () => {
    const other = await startProvider({ [NOTES]: [SCOPE] }, [NOTES]);
    try {
      // The endpoint of `provider`, the keys (and iss) of `other`: nothing of the answer is trusted.
      const verifier = createVerifier({
        issuer: {
          issuer: other.issuer,
          introspection: { ...JWT_ANSWERS, endpoint: `${provider.issuer}/token/introspection` },
        },
        audience: NOTES,
      });
      await expect(verifier.verify(await opaqueToken())).rejects.toMatchObject({
        code: 'temporarily_unavailable',
      });
    } finally {
      await other.close();
    }
  });

  it('sees a revocation after use when results are not cached', async () => {
    const verifier = introspecting({ cache: false });
    const token = await opaqueToken();
    await expect(verifier.verify(token)).resolves.toMatchObject({ scopes: [SCOPE] });
    await oidc.tokenRevocation(client, token, { token_type_hint: 'access_token' });
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'token_inactive' });
  });

  it('client_secret_post works too', async () => {
    const verifier = introspecting({
      clientId: RESOURCE_SERVER_CLIENTS.post.id,
      clientSecret: RESOURCE_SERVER_CLIENTS.post.secret,
      clientAuth: 'client_secret_post',
    });
    await expect(verifier.verify(await opaqueToken())).resolves.toMatchObject({
      clientId: provider.client.id,
    });
  });

  it('private_key_jwt (RFC 7523) works too', async () => {
    const verifier = introspecting({
      clientId: JWT_RESOURCE_SERVER,
      clientSecret: undefined,
      clientAuth: 'private_key_jwt',
      privateKey: provider.resourceServerKey as JsonWebKey,
    });
    const token = await opaqueToken();
    await expect(verifier.verify(token)).resolves.toMatchObject({ scopes: [SCOPE] });
  });

  it('wrong client credentials → 503 temporarily_unavailable (never a 200, never blamed on the token)', async () => {
    const verifier = introspecting({ clientSecret: 'wrong' });
    await expect(verifier.verify(await opaqueToken())).rejects.toMatchObject({
      code: 'temporarily_unavailable',
      reason: 'introspection_unavailable',
    });
    expect(events.some((event) => event.type === 'introspection_failed')).toBe(true);
  });
});
