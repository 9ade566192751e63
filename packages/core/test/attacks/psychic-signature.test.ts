import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { b64, expectRefused, validClaims, warmVerifier } from './support.js';

// CVE-2022-21449 ("psychic signatures"): ECDSA r and s must be in [1, n-1].
const P256_ORDER = Buffer.from(
  'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
  'hex',
);

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'] });
});
afterAll(() => issuer.close());

describe('ECDSA signatures with r or s out of range', () => {
  it.each([
    ['r = s = 0', Buffer.alloc(64)],
    ['r = s = n', Buffer.concat([P256_ORDER, P256_ORDER])],
    ['r = 0, s = 1', Buffer.concat([Buffer.alloc(32), Buffer.alloc(31), Buffer.from([1])])],
    ['DER-encoded instead of raw', Buffer.from('3006020101020101', 'hex')],
  ])('refuses %s', async (_name, signature) => {
    const header = b64({ alg: 'ES256', typ: 'at+jwt', kid: issuer.keys[0]!.kid });
    const token = `${header}.${b64(validClaims(issuer))}.${signature.toString('base64url')}`;
    await expectRefused(await warmVerifier(issuer), token, 'bad_signature');
  });
});
