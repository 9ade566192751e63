import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../../src/verify.js';
import { b64, expectRefused, validClaims, warmVerifier } from './support.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer.close());

const verifier = () => warmVerifier(issuer);

describe('forms other than a compact JWS JWT', () => {
  it('refuses a five-part JWE', async () => {
    await expectRefused(
      await verifier(),
      `${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`,
      'unsupported_serialization',
    );
  });

  it('refuses the JSON serialisation', async () => {
    const json = JSON.stringify({
      payload: b64(validClaims(issuer)),
      signatures: [{ protected: b64({ alg: 'RS256' }), signature: 'AA' }],
    });
    await expectRefused(await verifier(), json, 'unsupported_serialization');
  });

  it.each([
    ['garbage', 'not-a-token'],
    ['opaque refresh token', 'rt_8f1b2c3d4e5f60718293a4b5c6d7e8f9'],
    ['four parts', 'a.b.c.d'],
    ['empty segments', '..'],
    ['padding', `${b64({ alg: 'RS256' })}=.${b64({})}.AA`],
    ['standard base64 characters', `${b64({ alg: 'RS256' })}.${b64({})}+/.AA`],
    ['header not JSON', `${Buffer.from('{alg').toString('base64url')}.${b64({})}.AA`],
    ['header an array', `${b64(['RS256'])}.${b64({})}.AA`],
    ['payload not an object', `${b64({ alg: 'RS256' })}.${b64('claims')}.AA`],
    ['alg missing', `${b64({ typ: 'at+jwt' })}.${b64({})}.AA`],
    ['alg not a string', `${b64({ alg: ['RS256'] })}.${b64({})}.AA`],
  ])('refuses %s as malformed', async (_name, token) => {
    await expectRefused(await verifier(), token, 'malformed_token');
  });

  it('refuses crit parameters and b64: false (RFC 7515 §4.1.11, RFC 7797)', async () => {
    const kid = issuer.keys[0]!.kid;
    await expectRefused(
      await verifier(),
      await issuer.sign(
        { alg: 'RS256', typ: 'at+jwt', kid, crit: ['exp'], exp: 1 },
        validClaims(issuer),
      ),
      'unsupported_header',
    );
    await expectRefused(
      await verifier(),
      await issuer.sign(
        { alg: 'RS256', typ: 'at+jwt', kid, b64: false, crit: ['b64'] },
        validClaims(issuer),
      ),
      'unsupported_header',
    );
  });

  it('refuses an oversize token before decoding it, with no key request', async () => {
    const warm = await verifier();
    issuer.resetCounters();
    const big = await issuer.mint({ padding: 'x'.repeat(9000) });
    await expectRefused(warm, big, 'token_too_large');
    expect(issuer.requests.total).toBe(0);
    await expect(
      createVerifier({
        issuer: issuer.url,
        audience: issuer.audience,
        maxTokenLength: 16_384,
      }).verify(big),
    ).resolves.toBeDefined();
    await expectRefused(warm, 'a'.repeat(1_000_000), 'token_too_large');
  });

  it('refuses a kid that is not a string', async () => {
    await expectRefused(
      await verifier(),
      await issuer.sign({ alg: 'RS256', typ: 'at+jwt', kid: 7 }, validClaims(issuer), {
        kid: issuer.keys[0]!.kid,
      }),
      'malformed_token',
    );
  });
});
