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
