import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  AMBIGUOUS,
  ambiguousKeyError,
  findKey,
  importKeySet,
  KeySetError,
  noKeyError,
  SUPPORTED_ALGORITHMS,
} from '../src/internal/key-import.js';

// The importer itself (RFC 7517 §4–5, RFC 7518 §3.1): what key-filtering.test.ts sees through the
// static store, here for the cases a store cannot show (documents refused as a whole, keys
// without kid, the KeyObject reuse across imports, every algorithm of a family).

const jwkOf = (key: KeyObject, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  ...key.export({ format: 'jwk' }),
  ...extra,
});

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherP256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed448 = generateKeyPairSync('ed448');
const x25519 = generateKeyPairSync('x25519');

const caught = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('importKeySet: documents refused as a whole', () => {
  const notASet: [string, unknown][] = [
    ['null', null],
    ['a string', '{"keys":[]}'],
    ['an object without keys', { key: [] }],
    ['keys that is not an array', { keys: {} }],
    // Not from JSON, but the type says unknown: only a plain object is a set.
    ['a function carrying a keys array', Object.assign(() => undefined, { keys: [] })],
  ];
  for (const [name, document] of notASet) {
    it(`refuses ${name} with KeySetError, never a TypeError`, () => {
      const error = caught(() => importKeySet(document, 10));
      expect(error).toBeInstanceOf(KeySetError);
      expect(error).toMatchObject({
        name: 'KeySetError',
        message: 'not a JWK set (no "keys" array)',
      });
    });
  }

  it('counts entries before filtering: maxKeys of junk is accepted, one more is not', () => {
    expect(importKeySet({ keys: [null, 1] }, 2).keys.size).toBe(0);
    expect(caught(() => importKeySet({ keys: [null, 1, 'x'] }, 2))).toMatchObject({
      name: 'KeySetError',
      message: 'more than 2 keys (3)',
    });
  });
});

describe('importKeySet: keys without kid', () => {
  it('indexes a key without kid by algorithm only', () => {
    const set = importKeySet({ keys: [jwkOf(p256.publicKey)] }, 10);
    expect(set.keys.size).toBe(1);
    expect(set.byKid.size).toBe(0);
    const key = findKey(set, 'ES256', undefined);
    expect((key as KeyObject).asymmetricKeyType).toBe('ec');
    // A token that names a kid finds no kidless key.
    expect(findKey(set, 'ES256', 'any')).toBeUndefined();
  });

  it('a kidless key next to a kid key: by alg ambiguous, by kid the one', () => {
    const set = importKeySet(
      { keys: [jwkOf(p256.publicKey), jwkOf(otherP256.publicKey, { kid: 'a' })] },
      10,
    );
    expect(findKey(set, 'ES256', undefined)).toBe(AMBIGUOUS);
    const byKid = findKey(set, 'ES256', 'a') as KeyObject;
    expect(byKid.export({ format: 'jwk' })).toEqual(otherP256.publicKey.export({ format: 'jwk' }));
  });
});

describe('importKeySet: algorithms per family (RFC 7518 §3.1, RFC 8037 §3.1)', () => {
  it('an RSA key without alg serves all six RSA algorithms, one KeyObject', () => {
    const set = importKeySet({ keys: [jwkOf(rsa.publicKey, { kid: 'r' })] }, 10);
    const [key] = set.keys;
    for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']) {
      expect(findKey(set, alg, 'r')).toBe(key);
      expect(findKey(set, alg, undefined)).toBe(key);
    }
    expect([...(set.byKid.get('r')?.keys() ?? [])]).toHaveLength(6);
  });

  it('an Ed448 key serves EdDSA', () => {
    const set = importKeySet({ keys: [jwkOf(ed448.publicKey, { kid: 'ed' })] }, 10);
    expect((findKey(set, 'EdDSA', 'ed') as KeyObject).asymmetricKeyType).toBe('ed448');
  });

  it('SUPPORTED_ALGORITHMS is exactly the asymmetric JWS algorithms', () => {
    expect([...SUPPORTED_ALGORITHMS].sort()).toEqual(
      [
        'EdDSA',
        'ES256',
        'ES384',
        'ES512',
        'PS256',
        'PS384',
        'PS512',
        'RS256',
        'RS384',
        'RS512',
      ].sort(),
    );
  });

  it('skips a key of no signing family even when it names an algorithm', () => {
    const set = importKeySet(
      {
        keys: [
          jwkOf(x25519.publicKey, { kid: 'x', alg: 'ECDH-ES' }),
          jwkOf(x25519.publicKey, { kid: 'y', alg: 'EdDSA' }),
          { kty: 'oct', kid: 'h', alg: 'HS256', k: 'c2VjcmV0' },
        ],
      },
      10,
    );
    expect(set.keys.size).toBe(0);
  });

  it('skips a public key that also carries symmetric material ("k")', () => {
    const set = importKeySet({ keys: [jwkOf(rsa.publicKey, { kid: 'r', k: 'c2VjcmV0' })] }, 10);
    expect(set.keys.size).toBe(0);
  });
});

describe('importKeySet: material Node refuses', () => {
  it('a key Node cannot import is left out entirely, not kept as an empty slot', () => {
    const offCurve = { ...jwkOf(p256.publicKey, { kid: 'k' }), y: jwkOf(otherP256.publicKey).y };
    const set = importKeySet({ keys: [offCurve] }, 10);
    expect(set.keys.size).toBe(0);
    expect(set.byKid.size).toBe(0);
    expect(set.byAlg.size).toBe(0);
    expect(set.byMaterial.size).toBe(0);
  });
});

describe('importKeySet: KeyObjects across imports', () => {
  it('keeps the KeyObject of an unchanged key, even under another kid, and imports a new one', () => {
    const first = importKeySet({ keys: [jwkOf(rsa.publicKey, { kid: 'a' })] }, 10);
    const [original] = first.keys;
    // Members other than the key material (kid, alg, use) do not make it another key.
    const second = importKeySet(
      {
        keys: [
          jwkOf(rsa.publicKey, { kid: 'b', alg: 'RS256', use: 'sig' }),
          jwkOf(p256.publicKey, { kid: 'c' }),
        ],
      },
      10,
      first,
    );
    expect(findKey(second, 'RS256', 'b')).toBe(original);
    expect(findKey(second, 'PS256', 'b')).toBeUndefined();
    expect(second.keys.size).toBe(2);
    expect(second.keys.has(original as KeyObject)).toBe(true);
    // Without a previous set the same JWK gives a new KeyObject.
    const fresh = importKeySet({ keys: [jwkOf(rsa.publicKey, { kid: 'a' })] }, 10);
    expect(findKey(fresh, 'RS256', 'a')).not.toBe(original);
  });
});

describe('refusals for a lookup', () => {
  it('unknown_kid: names what did not match', () => {
    expect(noKeyError(undefined)).toMatchObject({
      code: 'invalid_token',
      reason: 'unknown_kid',
      description: 'no key of the issuer matches the token algorithm',
    });
    expect(noKeyError('k')).toMatchObject({
      code: 'invalid_token',
      reason: 'unknown_kid',
      description: 'no key of the issuer matches the token kid and algorithm',
    });
  });

  it('ambiguous_key: names why the key is ambiguous', () => {
    expect(ambiguousKeyError(undefined)).toMatchObject({
      code: 'invalid_token',
      reason: 'ambiguous_key',
      description: 'the token has no kid and several keys match its algorithm',
    });
    expect(ambiguousKeyError('k')).toMatchObject({
      code: 'invalid_token',
      reason: 'ambiguous_key',
      description: 'several keys share the token kid',
    });
  });
});
