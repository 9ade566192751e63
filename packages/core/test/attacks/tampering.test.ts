import { constants, sign as nodeSign } from 'node:crypto';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { exportJWK } from 'jose';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { b64, expectRefused, segments, validClaims, warmVerifier } from './support.js';

// Every case runs on a warm verifier that has just verified (and cached) the very token the
// attacker starts from: a cache keyed on part of a token (its signature, its payload) would
// answer these from memory.
const ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: [...ALGS] });
});
afterAll(() => issuer.close());

describe('tampered and stripped tokens, on a warm cache', () => {
  it.each(ALGS)('refuses a %s token whose payload was changed (same signature)', async (alg) => {
    const token = await issuer.mint({ scope: 'accounts:read' }, { alg });
    const verifier = await warmVerifier(issuer, token);
    const [header, payload, signature] = segments(token);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${b64({ ...claims, scope: 'accounts:read transfers:write' })}.${signature}`;
    await expectRefused(verifier, tampered, 'bad_signature');
  });

  it.each(ALGS)('refuses a %s token under another signature (same payload)', async (alg) => {
    const token = await issuer.mint({ sub: 'alice' }, { alg });
    const other = await issuer.mint({ sub: 'alice' }, { alg });
    const verifier = await warmVerifier(issuer, token);
    const [header, payload] = segments(token);
    await expectRefused(verifier, `${header}.${payload}.${segments(other)[2]}`, 'bad_signature');
  });

  it('refuses a token whose header was changed (kid kept)', async () => {
    const token = await issuer.mint();
    const verifier = await warmVerifier(issuer, token);
    const [header, payload, signature] = segments(token);
    const parsed = JSON.parse(Buffer.from(header, 'base64url').toString());
    await expectRefused(
      verifier,
      `${b64({ ...parsed, extra: 1 })}.${payload}.${signature}`,
      'bad_signature',
    );
  });

  it('refuses a stripped or truncated signature', async () => {
    const token = await issuer.mint();
    const verifier = await warmVerifier(issuer, token);
    const [header, payload, signature] = segments(token);
    await expectRefused(verifier, `${header}.${payload}.`, 'malformed_token');
    await expectRefused(verifier, `${header}.${payload}`, 'malformed_token');
    // 342 → 340 characters: still canonical base64url, so the signature check refuses it…
    await expectRefused(
      verifier,
      `${header}.${payload}.${signature.slice(0, -2)}`,
      'bad_signature',
    );
    // …341 is a length base64url never has.
    await expectRefused(
      verifier,
      `${header}.${payload}.${signature.slice(0, -1)}`,
      'malformed_token',
    );
    await expectRefused(verifier, `${header}.${payload}.AAAA`, 'bad_signature');
  });

  it('refuses a signature moved from another valid token', async () => {
    const a = await issuer.mint({ sub: 'alice' });
    const b = await issuer.mint({ sub: 'mallory' });
    const verifier = await warmVerifier(issuer, a);
    await warmVerifier(issuer, b);
    await expectRefused(
      verifier,
      `${segments(b)[0]}.${segments(b)[1]}.${segments(a)[2]}`,
      'bad_signature',
    );
  });

  it('refuses an algorithm swap: an RS256 header over a PS256 signature, with the PS256 kid', async () => {
    const token = await issuer.mint({}, { alg: 'PS256' });
    const verifier = await warmVerifier(issuer, token);
    const [, payload, signature] = segments(token);
    const kid = issuer.keys.find((k) => k.alg === 'PS256')!.kid;
    await expectRefused(
      verifier,
      `${b64({ alg: 'RS256', typ: 'at+jwt', kid })}.${payload}.${signature}`,
      'unknown_kid',
    );
  });

  it('refuses a PS256 token genuinely signed (RSA-PSS) by a key published as RS256 only', async () => {
    const rsa = issuer.keys.find((k) => k.alg === 'RS256')!;
    const verifier = await warmVerifier(issuer, await issuer.mint({}, { alg: 'RS256' }));
    const input = `${b64({ alg: 'PS256', typ: 'at+jwt', kid: rsa.kid })}.${b64(validClaims(issuer))}`;
    const signature = nodeSign('sha256', Buffer.from(input), {
      key: (await exportJWK(rsa.privateKey)) as never,
      format: 'jwk',
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
    await expectRefused(verifier, `${input}.${signature.toString('base64url')}`, 'unknown_kid');
  });
});
