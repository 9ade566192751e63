import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../../src/verify.js';
import { expectRefused } from './support.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'] });
});
afterAll(() => issuer.close());

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

// An ES256 signature is 64 bytes: 86 characters whose last one carries 4 unused bits, so 15 other
// spellings decode to the same bytes. Each would be a distinct token to a cache and a log.
describe('non-canonical base64url (RFC 7515 §2)', () => {
  it.each([
    ['cache on', {}],
    ['cache off', { cache: false as const }],
  ])('accepts only the canonical signature spelling of an ES256 token (%s)', async (_, cache) => {
    const token = await issuer.mint();
    const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience, ...cache });
    await verifier.verify(token);
    await verifier.verify(token);
    const last = ALPHABET.indexOf(token.at(-1) as string);
    expect(last & 0b1111).toBe(0);
    for (let extra = 1; extra < 16; extra++) {
      await expectRefused(verifier, token.slice(0, -1) + ALPHABET[last | extra], 'malformed_token');
    }
    await expect(verifier.verify(token)).resolves.toMatchObject({ issuer: issuer.url });
  });
});
