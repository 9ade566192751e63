import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatehouseEvent, VerifierOptions } from '../src/index.js';
import { createVerifier } from '../src/verify.js';

// The checks that need no key (precheck.ts), through a real verifier and real tokens: which one
// refuses a token, in which order, and what the refusal says (its description is the
// `error_description` the client reads).

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: issuer.url,
  aud: issuer.audience,
  sub: 'alice',
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 600,
  ...extra,
});
const verifierFor = (options: Partial<VerifierOptions> = {}) =>
  createVerifier({ issuer: issuer.url, audience: issuer.audience, cache: false, ...options });

async function refusalOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => expect.unreachable('accepted'),
    (e) => e,
  );
  return { code: error.code, reason: error.reason, description: error.description };
}

describe('precheck: cheapest first, each refusal named', () => {
  it('refuses an algorithm the API does not accept before it looks at the issuer', async () => {
    const events: GatehouseEvent[] = [];
    const verifier = verifierFor({ onEvent: (event) => events.push(event) });
    const expected = {
      code: 'invalid_token',
      reason: 'unsupported_algorithm',
      description: 'the token is signed with an algorithm this API does not accept',
    };
    // HS256 with a secret the attacker knows, from an untrusted issuer or from none at all: no
    // issuer lookup (which would refuse it as issuer_mismatch and tell the operator of a
    // near-miss), no time checks.
    const near = `${issuer.url}/`; // one slash away: a lookup would report a near miss
    for (const extra of [
      { iss: near },
      { iss: 'https://evil.example' },
      { iss: undefined },
      { exp: 1 },
    ]) {
      const token = await issuer.sign({ alg: 'HS256', typ: 'at+jwt' }, claims(extra), {
        secret: 'known to everyone',
      });
      expect(await refusalOf(verifier.verify(token))).toEqual(expected);
    }
    expect(events.map((event) => event.type)).not.toContain('issuer_near_miss');
  });

  it('refuses an algorithm the token issuer may not use, though another issuer may', async () => {
    const verifier = verifierFor({
      issuer: [
        { issuer: issuer.url, algorithms: ['ES256'] },
        { issuer: 'https://other.example', algorithms: ['RS256'] },
      ],
    });
    expect(await refusalOf(verifier.verify(await issuer.mint()))).toEqual({
      code: 'invalid_token',
      reason: 'unsupported_algorithm',
      description: 'the token is signed with an algorithm its issuer may not use here',
    });
  });

  it.each([[undefined], [42], [[]], [null]])('refuses iss %j as missing', async (iss) => {
    expect(await refusalOf(verifierFor().verify(await issuer.mint({ iss })))).toEqual({
      code: 'invalid_token',
      reason: 'missing_claim',
      description: 'the token has no "iss" claim',
    });
  });

  it('refuses a kid that is not a string, naming it', async () => {
    const token = await issuer.sign({ alg: 'RS256', typ: 'at+jwt', kid: 7 }, claims(), {
      kid: issuer.keys[0]!.kid,
    });
    expect(await refusalOf(verifierFor().verify(token))).toEqual({
      code: 'invalid_token',
      reason: 'malformed_token',
      description: 'the token header "kid" is not a string',
    });
  });
});
