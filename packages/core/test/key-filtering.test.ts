import { createSecretKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GatehouseConfigError } from '../src/config-error.js';
import { GatehouseError } from '../src/errors.js';
import { createStaticKeyStore, type KeyStore } from '../src/jwks.js';

// RFC 7517 §4 / RFC 7518 §3 / RFC 8725 §3.1: which published keys may verify which tokens.
// The static store shares the remote store's importer, so these cases hold for both.

const jwkOf = (key: KeyObject, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...key.export({ format: 'jwk' }),
  ...extra,
});

const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const p521 = generateKeyPairSync('ec', { namedCurve: 'P-521' });
const ed25519 = generateKeyPairSync('ed25519');
const x25519 = generateKeyPairSync('x25519');

async function reasonOf(store: KeyStore, alg: string, kid: string | undefined): Promise<string> {
  const error = await store.getKey(alg, kid).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatehouseError);
  return `${(error as GatehouseError).code}/${(error as GatehouseError).reason}`;
}

/** A store holding one good RS256 key next to `entries`, so a filtered entry is not a startup error. */
function storeWith(...entries: unknown[]): KeyStore {
  return createStaticKeyStore(
    'https://as.example.test',
    { keys: [jwkOf(rsa2048.publicKey, { kid: 'good' }), ...entries] },
    100,
  );
}

describe('key filtering', () => {
  it('serves a good key, and the KeyObject verifies like the published JWK', async () => {
    const store = storeWith();
    const key = await store.getKey('RS256', 'good');
    expect(key.export({ format: 'jwk' })).toEqual(rsa2048.publicKey.export({ format: 'jwk' }));
    expect(store.keyNow('RS256', 'good')).toBe(key);
    expect(store.keyNow('RS256', 'other')).toBeUndefined();
  });

  const ignored: [string, Record<string, unknown> | unknown, string][] = [
    [
      'an RSA modulus under 2048 bits (RFC 7518 §3.3)',
      jwkOf(rsa1024.publicKey, { kid: 'k' }),
      'RS256',
    ],
    ['use "enc" (RFC 7517 §4.2)', jwkOf(p256.publicKey, { kid: 'k', use: 'enc' }), 'ES256'],
    [
      'key_ops without "verify" (RFC 7517 §4.3)',
      jwkOf(p256.publicKey, { kid: 'k', key_ops: ['encrypt'] }),
      'ES256',
    ],
    [
      'key_ops that is not an array',
      jwkOf(p256.publicKey, { kid: 'k', key_ops: 'verify' }),
      'ES256',
    ],
    ['private key material ("d")', jwkOf(p256.privateKey, { kid: 'k' }), 'ES256'],
    [
      'a symmetric key (kty "oct")',
      jwkOf(createSecretKey(Buffer.alloc(32, 1)), { kid: 'k' }),
      'HS256',
    ],
    [
      'an OKP key on a key-agreement curve (X25519)',
      jwkOf(x25519.publicKey, { kid: 'k' }),
      'EdDSA',
    ],
    ['a P-256 key for ES384', jwkOf(p256.publicKey, { kid: 'k' }), 'ES384'],
    ['an RSA key for ES256', jwkOf(rsa2048.publicKey, { kid: 'k' }), 'ES256'],
    [
      'a key whose alg differs from the token alg',
      jwkOf(rsa2048.publicKey, { kid: 'k', alg: 'RS256' }),
      'PS256',
    ],
    [
      'a key whose alg is not of its family',
      jwkOf(p256.publicKey, { kid: 'k', alg: 'RS256' }),
      'RS256',
    ],
    ['broken key material', { kty: 'RSA', kid: 'k', n: '!!!', e: 'AQAB' }, 'RS256'],
    [
      'a point not on the curve',
      { ...jwkOf(p256.publicKey, { kid: 'k' }), y: jwkOf(p521.publicKey).y },
      'ES256',
    ],
    ['a non-string member', { ...jwkOf(p256.publicKey, { kid: 'k' }), x: 42 }, 'ES256'],
  ];

  for (const [name, jwk, alg] of ignored) {
    it(`ignores ${name}`, async () => {
      const store = storeWith(jwk);
      expect(await reasonOf(store, alg, 'k')).toBe('invalid_token/unknown_kid');
      expect((await store.getKey('RS256', 'good')).type).toBe('public');
    });
  }

  it('skips entries that are not JWK objects, and a non-string kid', async () => {
    const store = storeWith(null, 'x', 7, [], jwkOf(p256.publicKey, { kid: 5 }));
    expect(await reasonOf(store, 'ES256', '5')).toBe('invalid_token/unknown_kid');
    expect(await reasonOf(store, 'ES256', undefined)).toBe('invalid_token/unknown_kid');
  });

  it('accepts each family for its own algorithms', async () => {
    const store = storeWith(
      jwkOf(p256.publicKey, { kid: 'p256', use: 'sig', key_ops: ['verify'] }),
      jwkOf(p521.publicKey, { kid: 'p521', alg: 'ES512' }),
      jwkOf(ed25519.publicKey, { kid: 'ed' }),
    );
    expect((await store.getKey('ES256', 'p256')).asymmetricKeyDetails?.namedCurve).toBe(
      'prime256v1',
    );
    expect((await store.getKey('ES512', 'p521')).asymmetricKeyDetails?.namedCurve).toBe(
      'secp521r1',
    );
    expect((await store.getKey('EdDSA', 'ed')).asymmetricKeyType).toBe('ed25519');
    // An RSA key without `alg` serves every RSA algorithm, PKCS#1 v1.5 and PSS.
    expect(await store.getKey('PS512', 'good')).toBe(await store.getKey('RS384', 'good'));
  });

  it('refuses two keys under one kid for one alg as ambiguous', async () => {
    const store = storeWith(jwkOf(rsa2048.publicKey, { kid: 'good', alg: 'RS256' }));
    expect(await reasonOf(store, 'RS256', 'good')).toBe('invalid_token/ambiguous_key');
    // Only RS256 is ambiguous: the second key names its algorithm.
    expect((await store.getKey('PS256', 'good')).type).toBe('public');
  });

  it('without kid: the one fitting key, else ambiguous_key, else unknown_kid', async () => {
    const store = storeWith(
      jwkOf(p256.publicKey, { kid: 'a' }),
      jwkOf(p256.publicKey, { kid: 'b' }),
    );
    expect((await store.getKey('RS256', undefined)).asymmetricKeyType).toBe('rsa');
    expect(await reasonOf(store, 'ES256', undefined)).toBe('invalid_token/ambiguous_key');
    expect(await reasonOf(store, 'EdDSA', undefined)).toBe('invalid_token/unknown_kid');
  });
});

describe('static key set configuration', () => {
  it('refuses more than maxKeys entries as a whole', () => {
    const keys = Array.from({ length: 3 }, (_, i) => jwkOf(p256.publicKey, { kid: String(i) }));
    expect(() => createStaticKeyStore('https://as.example.test', { keys }, 2)).toThrow(
      'keys: more than 2 keys (3)',
    );
    expect(() => createStaticKeyStore('https://as.example.test', { keys }, 3)).not.toThrow();
  });

  it('refuses a set without a usable public signing key', () => {
    const onlyBad = [
      jwkOf(rsa1024.publicKey),
      jwkOf(p256.privateKey),
      jwkOf(p256.publicKey, { use: 'enc' }),
    ];
    expect(() => createStaticKeyStore('https://as.example.test', { keys: onlyBad }, 100)).toThrow(
      'keys: has no usable public signing key',
    );
  });

  it('refuses a document that is not a JWK set', () => {
    const notASet = { keys: 'nope' } as unknown as { keys: unknown[] };
    expect(() => createStaticKeyStore('https://as.example.test', notASet, 100)).toThrow(
      GatehouseConfigError,
    );
  });

  it('never builds a private key, even for a private JWK', async () => {
    const published: JsonWebKey = rsa2048.privateKey.export({ format: 'jwk' });
    expect(published.d).toBeDefined();
    const store = storeWith({ ...published, kid: 'private' });
    // The private JWK is not turned into a key at all (not even its public half)…
    expect(await reasonOf(store, 'RS256', 'private')).toBe('invalid_token/unknown_kid');
    // …and what the store does serve is a public key.
    expect((await store.getKey('RS256', 'good')).type).toBe('public');
  });

  it('a document that throws while being read is a configuration error, not a crash', () => {
    const throwing = {
      get keys(): unknown[] {
        throw new Error('getter');
      },
    };
    expect(() => createStaticKeyStore('https://as.example.test', throwing, 100)).toThrow(
      'keys: is not a valid JWK set',
    );
  });

  it('keyNow gives no key for an ambiguous slot; health reports the usable keys', () => {
    const store = storeWith(jwkOf(rsa2048.publicKey, { kid: 'good', alg: 'RS256' }), {
      kty: 'oct',
      k: 'c2VjcmV0',
    });
    expect(store.keyNow('RS256', 'good')).toBeUndefined();
    expect(store.keyNow('PS256', 'good')?.type).toBe('public');
    expect(store.keyNow('RS256', undefined)).toBeUndefined();
    expect(store.health?.()).toEqual({
      issuer: 'https://as.example.test',
      ready: true,
      keyCount: 2,
      stale: false,
      failures: 0,
    });
    expect(store.issuer).toBe('https://as.example.test');
  });
});
