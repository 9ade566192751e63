import { generateKeyPairSync } from 'node:crypto';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectRefused, validClaims, warmVerifier } from './support.js';

// RFC 8725 §3.10: keys named or carried by the token (jwk, jku, x5u, x5c) are never used.
let issuer: TestIssuer;
let attacker: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
  attacker = await createTestIssuer();
});
afterAll(async () => {
  await issuer.close();
  await attacker.close();
});

describe('keys from the token header', () => {
  it('ignores an embedded jwk: the attacker-signed token fails', async () => {
    const attackerKey = attacker.keys[0]!;
    const token = await attacker.sign(
      { alg: 'RS256', typ: 'at+jwt', kid: attackerKey.kid, jwk: attackerKey.publicJwk },
      validClaims(issuer),
    );
    await expectRefused(await warmVerifier(issuer), token, 'unknown_kid');
  });

  it('never fetches a jku or x5u: the second server receives no request', async () => {
    const verifier = await warmVerifier(issuer, undefined, { keyFetch: { cooldown: 0 } });
    attacker.resetCounters();
    const kid = attacker.keys[0]!.kid;
    for (const [header, reason] of [
      [{ jku: attacker.jwksUri }, 'unknown_kid'],
      [{ x5u: attacker.jwksUri }, 'unknown_kid'],
      // The issuer's own kid: its key is used, and the attacker's signature fails under it.
      [{ jku: attacker.jwksUri, kid: issuer.keys[0]!.kid }, 'bad_signature'],
    ] as const) {
      const token = await attacker.sign(
        { alg: 'RS256', typ: 'at+jwt', kid, ...header },
        validClaims(issuer),
        { kid },
      );
      await expectRefused(verifier, token, reason);
    }
    expect(attacker.requests.total).toBe(0);
  });

  it('ignores an x5c chain', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const kid = attacker.keys[0]!.kid;
    const token = await attacker.sign(
      { alg: 'RS256', typ: 'at+jwt', kid, x5c: [der] },
      validClaims(issuer),
    );
    await expectRefused(await warmVerifier(issuer), token, 'unknown_kid');
  });
});
