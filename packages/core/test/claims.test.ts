import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createVerifier } from '../src/verify.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());
afterEach(() => {
  vi.useRealTimers();
});

const now = () => Math.floor(Date.now() / 1000);
const verifierFor = (extra: Record<string, unknown> = {}) =>
  createVerifier({ issuer: issuer.url, audience: issuer.audience, cache: false, ...extra });
const refusal = (reason: string) => ({ code: 'invalid_token', status: 401, reason });

describe('time claims (RFC 7519 §4.1.4–4.1.6)', () => {
  it('refuses an expired token and says how long ago', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-29T12:00:00.250Z'));
    const token = await issuer.mint({ exp: now() - 42 });
    const error = await verifierFor()
      .verify(token)
      .catch((e) => e);
    expect(error).toMatchObject(refusal('expired'));
    expect(error.description).toBe('the token expired 42 s ago');
  });

  it('applies the clock tolerance to exp (default 5 s)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const token = await issuer.mint({}, { expiresIn: 60 });
    vi.advanceTimersByTime(63_000);
    await expect(verifierFor().verify(token)).resolves.toBeDefined();
    vi.advanceTimersByTime(3_000);
    await expect(verifierFor().verify(token)).rejects.toMatchObject(refusal('expired'));
    await expect(verifierFor({ clockTolerance: '1m' }).verify(token)).resolves.toBeDefined();
  });

  it('refuses a token that is not yet valid (nbf), within tolerance accepts', async () => {
    await expect(
      verifierFor().verify(await issuer.mint({}, { notBefore: 60 })),
    ).rejects.toMatchObject(refusal('not_yet_valid'));
    await expect(
      verifierFor().verify(await issuer.mint({}, { notBefore: 3 })),
    ).resolves.toBeDefined();
  });

  it('refuses a token issued in the future (iat)', async () => {
    await expect(
      verifierFor().verify(await issuer.mint({ iat: now() + 120 })),
    ).rejects.toMatchObject(refusal('issued_in_future'));
  });

  it('bounds the token age with maxTokenAge, which then requires iat', async () => {
    const old = await issuer.mint({ iat: now() - 3600 });
    await expect(verifierFor({ maxTokenAge: '30m' }).verify(old)).rejects.toMatchObject(
      refusal('too_old'),
    );
    await expect(verifierFor({ maxTokenAge: '2h' }).verify(old)).resolves.toBeDefined();
    await expect(
      verifierFor({ maxTokenAge: '2h' }).verify(await issuer.mint({ iat: undefined })),
    ).rejects.toMatchObject(refusal('missing_claim'));
  });

  it('requires exp', async () => {
    await expect(verifierFor().verify(await issuer.mint({ exp: undefined }))).rejects.toMatchObject(
      refusal('missing_claim'),
    );
  });

  it.each([
    ['exp', 'tomorrow'],
    ['exp', '9999999999'],
    ['nbf', '0'],
    ['iat', null],
    ['exp', [1]],
  ])('refuses a non-numeric %s (%j)', async (claim, value) => {
    await expect(verifierFor().verify(await issuer.mint({ [claim]: value }))).rejects.toMatchObject(
      refusal('invalid_claim'),
    );
  });
});

describe('issuer and audience (RFC 8725 §3.8–3.9)', () => {
  it('requires the exact issuer', async () => {
    await expect(
      verifierFor().verify(await issuer.mint({ iss: `${issuer.url}/` })),
    ).rejects.toMatchObject(refusal('issuer_mismatch'));
    await expect(
      verifierFor().verify(await issuer.mint({ iss: 'https://evil.example' })),
    ).rejects.toMatchObject(refusal('issuer_mismatch'));
    await expect(verifierFor().verify(await issuer.mint({ iss: undefined }))).rejects.toMatchObject(
      refusal('missing_claim'),
    );
  });

  it('refuses another audience, accepts an array naming ours', async () => {
    await expect(
      verifierFor().verify(await issuer.mint({ aud: 'https://other.example' })),
    ).rejects.toMatchObject(refusal('audience_mismatch'));
    await expect(
      verifierFor().verify(await issuer.mint({ aud: ['https://other.example', issuer.audience] })),
    ).resolves.toBeDefined();
    await expect(verifierFor().verify(await issuer.mint({ aud: undefined }))).rejects.toMatchObject(
      refusal('missing_claim'),
    );
    await expect(verifierFor().verify(await issuer.mint({ aud: [] }))).rejects.toMatchObject(
      refusal('audience_mismatch'),
    );
  });

  it('accepts any of several configured audiences', async () => {
    const verifier = verifierFor({ audience: ['https://a.example', 'https://b.example'] });
    await expect(
      verifier.verify(await issuer.mint({ aud: 'https://b.example' })),
    ).resolves.toBeDefined();
  });
});

describe('required claims and claim rules', () => {
  it('requires the configured claims', async () => {
    const verifier = verifierFor({ requiredClaims: ['sub', 'jti'] });
    await expect(verifier.verify(await issuer.mint())).resolves.toBeDefined();
    await expect(verifier.verify(await issuer.mint({ jti: undefined }))).rejects.toMatchObject(
      refusal('missing_claim'),
    );
  });

  it('checks equality, includes and predicates', async () => {
    const verifier = verifierFor({
      claims: {
        tenant: 'acme',
        roles: { includes: 'teller' },
        amr: { includes: ['pwd', 'otp'] },
        acr: (value: unknown) => value === 'urn:mace:incommon:iap:silver' || value === 'gold',
      },
    });
    const good = { tenant: 'acme', roles: ['teller', 'clerk'], amr: ['pwd', 'otp'], acr: 'gold' };
    await expect(verifier.verify(await issuer.mint(good))).resolves.toBeDefined();
    for (const bad of [
      { ...good, tenant: 'evil' },
      { ...good, tenant: undefined },
      { ...good, roles: ['clerk'] },
      { ...good, roles: 'clerk teller-ish' },
      { ...good, amr: ['pwd'] },
      { ...good, acr: 'bronze' },
    ]) {
      await expect(verifier.verify(await issuer.mint(bad))).rejects.toMatchObject(
        refusal('claim_mismatch'),
      );
    }
    await expect(
      verifier.verify(await issuer.mint({ ...good, roles: 'clerk teller' })),
    ).resolves.toBeDefined();
  });

  it('treats a throwing predicate as a refusal, not a crash', async () => {
    const verifier = verifierFor({
      claims: {
        tenant: () => {
          throw new Error('boom');
        },
      },
    });
    await expect(verifier.verify(await issuer.mint())).rejects.toMatchObject(
      refusal('claim_mismatch'),
    );
  });

  it('refuses a non-string sub and ill-shaped scope claims', async () => {
    await expect(verifierFor().verify(await issuer.mint({ sub: 42 }))).rejects.toMatchObject(
      refusal('invalid_claim'),
    );
    await expect(verifierFor().verify(await issuer.mint({ scope: ['a'] }))).rejects.toMatchObject(
      refusal('invalid_claim'),
    );
    await expect(verifierFor().verify(await issuer.mint({ scp: [1, 2] }))).rejects.toMatchObject(
      refusal('invalid_claim'),
    );
  });
});

describe('refusal descriptions name the claim (header-safe)', () => {
  const describeRefusal = (error: { code: string; reason: string; description: string }) => ({
    code: error.code,
    reason: error.reason,
    description: error.description,
  });
  const refusalOf = async (verifier: ReturnType<typeof verifierFor>, claims = {}) =>
    describeRefusal(
      await verifier.verify(await issuer.mint(claims)).then(
        () => expect.unreachable('accepted'),
        (e) => e,
      ),
    );

  it('audience: missing names the claim, a mismatch does not echo it', async () => {
    expect(await refusalOf(verifierFor(), { aud: undefined })).toEqual({
      code: 'invalid_token',
      reason: 'missing_claim',
      description: 'the token has no "aud" claim',
    });
    expect(
      await refusalOf(verifierFor({ audienceClaim: 'client_id' }), { client_id: undefined }),
    ).toMatchObject({ reason: 'missing_claim', description: 'the token has no "client_id" claim' });
    // neither a string nor an array: refused as a mismatch, never a crash
    for (const aud of ['https://other.example', 42, { [issuer.audience]: true }, null]) {
      expect(await refusalOf(verifierFor(), { aud })).toEqual({
        code: 'invalid_token',
        reason: 'audience_mismatch',
        description: 'the token is not meant for this audience',
      });
    }
  });

  it('required claims: null is absent; names are cut to 64 header-safe characters', async () => {
    const odd = 'https://ex-ample.com/très "long" name';
    expect(await refusalOf(verifierFor({ requiredClaims: ['tenant'] }), { tenant: null })).toEqual({
      code: 'invalid_token',
      reason: 'missing_claim',
      description: 'the token has no "tenant" claim',
    });
    expect(await refusalOf(verifierFor({ requiredClaims: [odd] }))).toMatchObject({
      description: 'the token has no "https:??ex-ample.com?tr?s??long??name" claim',
    });
    expect(await refusalOf(verifierFor({ requiredClaims: ['b'.repeat(70)] }))).toMatchObject({
      description: `the token has no "${'b'.repeat(64)}" claim`,
    });
  });

  it('claim rules name the claim that failed', async () => {
    const verifier = verifierFor({
      claims: { 'x-tenant': 'acme', 'realm.roles': { includes: 'a' } },
    });
    expect(await refusalOf(verifier, { 'x-tenant': 'evil' })).toEqual({
      code: 'invalid_token',
      reason: 'claim_mismatch',
      description: 'the "x-tenant" claim does not have an accepted value',
    });
    expect(await refusalOf(verifier, { 'x-tenant': 'acme', realm: { roles: ['b'] } })).toEqual({
      code: 'invalid_token',
      reason: 'claim_mismatch',
      description: 'the "realm.roles" claim does not have an accepted value',
    });
  });

  it('refuses an exp that JSON reads as Infinity (1e400), which would never expire', async () => {
    const [key] = issuer.keys;
    const payload = `{"iss":"${issuer.url}","aud":"${issuer.audience}","sub":"s","iat":${now()},"exp":1e400}`;
    const token = await issuer.sign({ alg: key!.alg, typ: 'at+jwt', kid: key!.kid }, payload);
    expect(
      describeRefusal(
        await verifierFor()
          .verify(token)
          .catch((e) => e),
      ),
    ).toEqual({
      code: 'invalid_token',
      reason: 'invalid_claim',
      description: 'the "exp" claim is not a number',
    });
  });
});
