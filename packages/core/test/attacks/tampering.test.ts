import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createVerifier } from '../../src/verify.js';
import { b64, expectRefused } from './support.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256', 'EdDSA'] });
});
afterAll(() => issuer.close());

const verifier = () =>
  createVerifier({ issuer: issuer.url, audience: issuer.audience, cache: false });

describe('tampered and stripped tokens', () => {
  it.each(['RS256', 'ES256', 'EdDSA'] as const)(
    'refuses a %s token whose payload was changed',
    async (alg) => {
      const [header, payload, signature] = (
        await issuer.mint({ scope: 'accounts:read' }, { alg })
      ).split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const tampered = `${header}.${b64({ ...claims, scope: 'accounts:read transfers:write' })}.${signature}`;
      await expectRefused(verifier(), tampered, 'bad_signature');
    },
  );

  it('refuses a token whose header was changed (kid kept)', async () => {
    const [header, payload, signature] = (await issuer.mint()).split('.') as [
      string,
      string,
      string,
    ];
    const parsed = JSON.parse(Buffer.from(header, 'base64url').toString());
    await expectRefused(
      verifier(),
      `${b64({ ...parsed, extra: 1 })}.${payload}.${signature}`,
      'bad_signature',
    );
  });

  it('refuses a stripped or truncated signature', async () => {
    const token = await issuer.mint();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    await expectRefused(verifier(), `${header}.${payload}.`, 'malformed_token');
    await expectRefused(verifier(), `${header}.${payload}`, 'malformed_token');
    await expectRefused(
      verifier(),
      `${header}.${payload}.${signature.slice(0, -2)}`, // 342 → 340 characters: still canonical
      'bad_signature',
    );
    await expectRefused(
      verifier(),
      `${header}.${payload}.${signature.slice(0, -1)}`, // 341: a length base64url never has
      'malformed_token',
    );
    await expectRefused(verifier(), `${header}.${payload}.AAAA`, 'bad_signature');
  });

  it('refuses a signature moved from another valid token', async () => {
    const a = (await issuer.mint({ sub: 'alice' })).split('.');
    const b = (await issuer.mint({ sub: 'mallory' })).split('.');
    await expectRefused(verifier(), `${b[0]}.${b[1]}.${a[2]}`, 'bad_signature');
  });

  it('refuses an algorithm swap (RS256 header over a PS256-shaped signature)', async () => {
    const [, payload, signature] = (await issuer.mint({}, { alg: 'ES256' })).split('.') as [
      string,
      string,
      string,
    ];
    const swapped = `${b64({ alg: 'RS256', typ: 'at+jwt', kid: issuer.keys.find((k) => k.alg === 'ES256')!.kid })}.${payload}.${signature}`;
    await expectRefused(verifier(), swapped, 'unknown_kid');
  });
});
