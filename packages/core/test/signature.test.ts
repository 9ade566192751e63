import {
  constants,
  createHmac,
  createSecretKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DIGEST, keyInputFor, verifySignature } from '../src/internal/signature.js';

// verifySignature on its own: each algorithm family with a real key, against signatures made
// here with node:crypto, and the inputs it must refuse without throwing.
const INPUT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const k256 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
const ed = generateKeyPairSync('ed25519');
const secret = createSecretKey(Buffer.alloc(32, 7));

const PAIRS: Record<string, { privateKey: KeyObject; publicKey: KeyObject }> = {
  RS256: rsa,
  RS384: rsa,
  RS512: rsa,
  PS256: rsa,
  PS384: rsa,
  PS512: rsa,
  ES256: p256,
  ES256K: k256,
  ES384: p384,
  ES512: p521,
  EdDSA: ed,
};

function signed(alg: string, input = INPUT): Buffer {
  const pair = PAIRS[alg] as { privateKey: KeyObject };
  return sign(DIGEST[alg] ?? null, Buffer.from(input), keyInputFor(alg, pair.privateKey));
}

const flipped = (signature: Buffer) => {
  const copy = Buffer.from(signature);
  copy[copy.length - 1] = (copy[copy.length - 1] as number) ^ 1;
  return copy;
};

describe('verifySignature', () => {
  it.each(Object.keys(PAIRS))('%s: accepts its own signature, refuses a changed one', (alg) => {
    const { publicKey } = PAIRS[alg] as { publicKey: KeyObject };
    const signature = signed(alg);
    expect(verifySignature(alg, publicKey, INPUT, signature)).toBe(true);
    expect(verifySignature(alg, publicKey, INPUT, flipped(signature))).toBe(false);
    expect(verifySignature(alg, publicKey, `${INPUT}x`, signature)).toBe(false);
  });

  it('tells the hash apart: an RS256 signature does not verify as RS384 or RS512', () => {
    const signature = signed('RS256');
    expect(verifySignature('RS384', rsa.publicKey, INPUT, signature)).toBe(false);
    expect(verifySignature('RS512', rsa.publicKey, INPUT, signature)).toBe(false);
    expect(verifySignature('ES384', p256.publicKey, INPUT, signed('ES256'))).toBe(false);
  });

  it('tells the padding apart: PKCS#1 v1.5 and PSS signatures are not interchangeable', () => {
    expect(verifySignature('PS256', rsa.publicKey, INPUT, signed('RS256'))).toBe(false);
    expect(verifySignature('RS256', rsa.publicKey, INPUT, signed('PS256'))).toBe(false);
  });

  it('PSS uses a digest-sized salt (RFC 7518 §3.5)', () => {
    const maxSalt = sign('sha256', Buffer.from(INPUT), {
      key: rsa.privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_MAX_SIGN,
    });
    expect(verifySignature('PS256', rsa.publicKey, INPUT, maxSalt)).toBe(false);
  });

  it('ECDSA: only the fixed-size R || S form of the algorithm (RFC 7518 §3.4)', () => {
    const der = sign('sha256', Buffer.from(INPUT), p256.privateKey);
    expect(verifySignature('ES256', p256.publicKey, INPUT, der)).toBe(false);
    const signature = signed('ES256');
    // One byte short or long: refused before OpenSSL sees it.
    expect(verifySignature('ES256', p256.publicKey, INPUT, signature.subarray(1))).toBe(false);
    expect(
      verifySignature('ES256', p256.publicKey, INPUT, Buffer.concat([signature, Buffer.alloc(1)])),
    ).toBe(false);
    // r = 0 and s = 0 (the "psychic signature"): refused.
    expect(verifySignature('ES256', p256.publicKey, INPUT, Buffer.alloc(64))).toBe(false);
  });

  it('HMAC: exactly the MAC of the input with this secret, of the full length', () => {
    const mac = createHmac('sha256', secret).update(INPUT).digest();
    expect(verifySignature('HS256', secret, INPUT, mac)).toBe(true);
    expect(verifySignature('HS256', secret, INPUT, flipped(mac))).toBe(false);
    expect(verifySignature('HS256', secret, INPUT, mac.subarray(0, 16))).toBe(false);
    expect(verifySignature('HS384', secret, INPUT, mac)).toBe(false);
    for (const [alg, digest] of [
      ['HS384', 'sha384'],
      ['HS512', 'sha512'],
    ] as const) {
      const own = createHmac(digest, secret).update(INPUT).digest();
      expect(verifySignature(alg, secret, INPUT, own)).toBe(true);
    }
  });

  it('refuses algorithms it does not know, and never throws', () => {
    for (const alg of ['none', 'RS1', 'HS1', 'ES1', 'PS1', 'constructor', '']) {
      expect(verifySignature(alg, rsa.publicKey, INPUT, signed('RS256'))).toBe(false);
    }
    // A key of the wrong type for the algorithm: false, not an exception.
    expect(verifySignature('ES256', rsa.publicKey, INPUT, signed('ES256'))).toBe(false);
    expect(verifySignature('RS256', secret, INPUT, signed('RS256'))).toBe(false);
  });

  it('reads the signing input as latin1, the bytes a compact JWS is made of', () => {
    const input = 'a.b\u00e9';
    const signature = sign('sha256', Buffer.from(input, 'latin1'), rsa.privateKey);
    expect(verifySignature('RS256', rsa.publicKey, input, signature)).toBe(true);
  });
});
