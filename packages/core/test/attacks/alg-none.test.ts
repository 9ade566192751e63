import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { b64, expectRefused, segments, signRs256, validClaims, warmVerifier } from './support.js';

// RFC 8725 §3.1–3.2: "none" is never accepted, however it is spelled, and whatever signature
// segment follows it. Run on a warm verifier (keys fetched, a genuine token cached).
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

describe('alg none', () => {
  it.each(['none', 'None', 'NONE', 'nOnE'])(
    'refuses alg %j with an empty, a junk and a genuine signature',
    async (alg) => {
      const verifier = await warmVerifier(issuer);
      const header = b64({ alg, typ: 'at+jwt', kid: issuer.keys[0]!.kid });
      const payload = b64(validClaims(issuer));
      // An empty signature is refused as malformed before the algorithm is even looked at…
      await expectRefused(verifier, `${header}.${payload}.`, 'malformed_token');
      // …so the algorithm check itself is reached only with a non-empty one.
      await expectRefused(verifier, `${header}.${payload}.c2lnbmF0dXJl`, 'unsupported_algorithm');
      // A real RS256 signature by the issuer's key over the "none" header changes nothing.
      const key = issuer.keys[0]!;
      const genuine = await signRs256(
        key,
        { alg, typ: 'at+jwt', kid: key.kid },
        validClaims(issuer),
      );
      expect(segments(genuine)[2]).not.toBe('');
      await expectRefused(verifier, genuine, 'unsupported_algorithm');
    },
  );

  it('makes no key request for it', async () => {
    const verifier = await warmVerifier(issuer);
    issuer.resetCounters();
    await expectRefused(
      verifier,
      `${b64({ alg: 'none', kid: 'never-seen' })}.${b64(validClaims(issuer))}.AA`,
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
