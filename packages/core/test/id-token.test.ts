import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../src/verify.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ path: '/a/consumer/api/v0/oidc' });
});
afterAll(() => issuer.close());

const now = () => Math.floor(Date.now() / 1000);
const verifier = () => createVerifier({ issuer: issuer.url, audience: issuer.audience });

describe('verifyIdToken (OIDC Core §3.1.3.7)', () => {
  it('accepts an ID token for our client', async () => {
    const token = await issuer.mintIdToken({ sub: 'alice' }, { clientId: 'web', nonce: 'n-1' });
    await expect(
      verifier().verifyIdToken(token, { clientId: 'web', nonce: 'n-1' }),
    ).resolves.toMatchObject({
      subject: 'alice',
      issuer: issuer.url,
    });
  });

  it('refuses an ID token for another client, or a bad azp', async () => {
    const token = await issuer.mintIdToken({}, { clientId: 'other' });
    await expect(verifier().verifyIdToken(token, { clientId: 'web' })).rejects.toMatchObject({
      reason: 'audience_mismatch',
    });
    const multi = await issuer.mintIdToken(
      { aud: ['web', 'other'], azp: undefined },
      { clientId: 'web' },
    );
    await expect(verifier().verifyIdToken(multi, { clientId: 'web' })).rejects.toMatchObject({
      reason: 'azp_mismatch',
    });
    const azp = await issuer.mintIdToken(
      { aud: ['web', 'other'], azp: 'web' },
      { clientId: 'web' },
    );
    await expect(verifier().verifyIdToken(azp, { clientId: 'web' })).resolves.toBeDefined();
  });

  it('checks nonce, sub, iat and max_age', async () => {
    const v = verifier();
    await expect(
      v.verifyIdToken(await issuer.mintIdToken({}, { clientId: 'web', nonce: 'a' }), {
        clientId: 'web',
        nonce: 'b',
      }),
    ).rejects.toMatchObject({ reason: 'nonce_mismatch' });
    await expect(
      v.verifyIdToken(await issuer.mintIdToken({ sub: undefined }, { clientId: 'web' }), {
        clientId: 'web',
      }),
    ).rejects.toMatchObject({ reason: 'missing_claim' });
    await expect(
      v.verifyIdToken(await issuer.mintIdToken({ iat: undefined }, { clientId: 'web' }), {
        clientId: 'web',
      }),
    ).rejects.toMatchObject({ reason: 'missing_claim' });
    const recent = await issuer.mintIdToken({ auth_time: now() - 60 }, { clientId: 'web' });
    await expect(v.verifyIdToken(recent, { clientId: 'web', maxAge: '5m' })).resolves.toBeDefined();
    await expect(v.verifyIdToken(recent, { clientId: 'web', maxAge: 30 })).rejects.toMatchObject({
      reason: 'auth_time_too_old',
    });
    const noAuthTime = await issuer.mintIdToken({ auth_time: undefined }, { clientId: 'web' });
    await expect(
      v.verifyIdToken(noAuthTime, { clientId: 'web', maxAge: 300 }),
    ).rejects.toMatchObject({ reason: 'missing_claim' });
  });

  it('refuses an access token presented as an ID token (explicit typing)', async () => {
    const access = await issuer.mint({ aud: 'web' });
    await expect(verifier().verifyIdToken(access, { clientId: 'web' })).rejects.toMatchObject({
      reason: 'type_mismatch',
    });
  });

  it('ignores the access-token claim rules (requiredClaims, claims)', async () => {
    const strict = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      requiredClaims: ['client_id'],
      claims: { scope: { includes: 'accounts:read' } },
    });
    const id = await issuer.mintIdToken({}, { clientId: 'web' });
    await expect(strict.verifyIdToken(id, { clientId: 'web' })).resolves.toBeDefined();
  });

  it.each([
    ['nonce', { nonce: 'n' }],
    ['at_hash', { at_hash: 'x' }],
    ['c_hash', { c_hash: 'x' }],
    ['a Keycloak payload typ ID', { typ: 'ID' }],
    ['a Keycloak refresh token', { typ: 'Refresh' }],
  ])(
    'refuses, even in lenient mode and with our audience, a JWT carrying %s',
    async (_name, claims) => {
      const lenient = createVerifier({ issuer: issuer.url, audience: 'web' });
      const id = await issuer.mintIdToken(claims, { clientId: 'web' });
      await expect(lenient.verify(id)).rejects.toMatchObject({
        code: 'invalid_token',
        reason: 'type_mismatch',
      });
      // The same claims under an explicit at+jwt header are the issuer's business, not an ID token.
      const access = await issuer.mint({ aud: 'web', ...claims });
      await expect(lenient.verify(access)).resolves.toBeDefined();
    },
  );

  it('refuses an ID token presented as an access token', async () => {
    const id = await issuer.mintIdToken({}, { clientId: 'web' });
    await expect(verifier().verify(id)).rejects.toMatchObject({
      code: 'invalid_token',
      reason: 'audience_mismatch',
    });
    // Even when the API's audience is the client id, strict typing tells them apart.
    const strict = createVerifier({ issuer: issuer.url, audience: 'web', typ: 'strict' });
    await expect(strict.verify(id)).rejects.toMatchObject({ reason: 'type_mismatch' });
  });
});
