import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warmVerifier } from './support.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

// RFC 9449 §7.2: a DPoP-bound token (cnf.jkt) replayed as a plain Bearer token by whoever stole
// it must be refused; RFC 8705 §3 certificate-bound tokens (cnf["x5t#S256"]) likewise.
describe('a sender-constrained token presented as Bearer', () => {
  it.each([
    ['DPoP-bound (cnf.jkt)', { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' }],
    [
      'certificate-bound (cnf.x5t#S256)',
      { 'x5t#S256': 'bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2' },
    ],
    ['with any cnf member', {}],
  ])('is refused: %s, on first sight and after the same token was cached', async (_, cnf) => {
    const verifier = await warmVerifier(issuer);
    const bound = await issuer.mint({ cnf });
    for (let i = 0; i < 3; i++) {
      await expect(verifier.authenticate(`Bearer ${bound}`)).rejects.toMatchObject({
        code: 'invalid_token',
        status: 401,
        reason: 'sender_constrained',
      });
      await expect(verifier.verify(bound)).rejects.toMatchObject({ reason: 'sender_constrained' });
    }
    const unbound = await issuer.mint();
    await expect(verifier.verify(unbound)).resolves.toMatchObject({ issuer: issuer.url });
  });
});
