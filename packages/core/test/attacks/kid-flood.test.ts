import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../../src/verify.js';
import { validClaims } from './support.js';

// An attacker sends tokens with ever-new kids, hoping each one makes us refetch the JWKS.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

describe('kid flood', () => {
  it('causes at most one refetch per cooldown, then unknown_kid', async () => {
    const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
    await verifier.verify(await issuer.mint());
    issuer.resetCounters();
    const signer = issuer.keys[0]!.kid;
    const tokens = await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        issuer.sign(
          { alg: 'RS256', typ: 'at+jwt', kid: `random-${i}-${Math.random()}` },
          validClaims(issuer),
          { kid: signer },
        ),
      ),
    );
    const outcomes = await Promise.all(
      tokens.map((t) => verifier.verify(t).catch((e) => e.reason)),
    );
    expect(new Set(outcomes)).toEqual(new Set(['unknown_kid']));
    expect(issuer.requests.jwks).toBeLessThanOrEqual(1);
    expect(issuer.requests.discovery).toBe(0);
  });
});
