import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../../src/verify.js';
import { b64, expectRefused, validClaims } from './support.js';

// RFC 8725 §3.1–3.2: "none" is never accepted, however it is spelled.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

describe('alg none', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])(
    'refuses alg %j with and without a signature',
    async (alg) => {
      const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
      const unsigned = `${b64({ alg, typ: 'at+jwt' })}.${b64(validClaims(issuer))}.`;
      await expectRefused(verifier, unsigned, 'malformed_token');
      const withJunk = `${b64({ alg, typ: 'at+jwt' })}.${b64(validClaims(issuer))}.c2lnbmF0dXJl`;
      await expectRefused(verifier, withJunk, 'unsupported_algorithm');
    },
  );

  it('makes no key request for it', async () => {
    const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
    issuer.resetCounters();
    await expectRefused(
      verifier,
      `${b64({ alg: 'none' })}.${b64(validClaims(issuer))}.AA`,
      'unsupported_algorithm',
    );
    await expectRefused(
      verifier,
      await issuer.sign({ alg: 'none' }, validClaims(issuer)),
      'malformed_token',
    );
    expect(issuer.requests.total).toBe(0);
  });
});
