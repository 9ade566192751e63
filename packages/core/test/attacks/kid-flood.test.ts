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
  it('causes at most one refetch per cooldown and is never accepted', async () => {
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
      tokens.map((t) =>
        verifier.verify(t).then(
          () => 'accepted',
          (e) => `${e.code}/${e.reason}`,
        ),
      ),
    );
    // Those that joined the one refetch are refused; a later one within the cooldown is told to
    // retry (the issuer may have published its key since): never accepted either way.
    expect(outcomes).toContain('invalid_token/unknown_kid');
    expect(
      outcomes.every(
        (o) => o === 'invalid_token/unknown_kid' || o === 'temporarily_unavailable/unknown_kid',
      ),
    ).toBe(true);
    expect(issuer.requests.jwks).toBeLessThanOrEqual(1);
    expect(issuer.requests.discovery).toBe(0);
  });
});
