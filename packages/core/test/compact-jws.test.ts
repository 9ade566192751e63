import { describe, expect, it } from 'vitest';
import { decodeCompactJws } from '../src/internal/compact-jws.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jws = (header: unknown, payload: unknown, signature = 'c2ln') =>
  `${b64(header)}.${b64(payload)}.${signature}`;
const MAX = 8192;

describe('decodeCompactJws', () => {
  it('decodes a header segment once and shares the frozen result between tokens', () => {
    const header = { alg: 'RS256', typ: 'at+jwt', kid: 'k1' };
    const first = decodeCompactJws(jws(header, { sub: 'a' }), MAX);
    const second = decodeCompactJws(jws(header, { sub: 'b' }), MAX);
    expect(second.header).toBe(first.header);
    expect(Object.isFrozen(first.header)).toBe(true);
    expect(second.claims).toEqual({ sub: 'b' });
    expect(decodeCompactJws(jws({ ...header, kid: 'k2' }, {}), MAX).header.kid).toBe('k2');
  });

  it('keeps refusing a bad header however often it comes (refusals are not kept)', () => {
    for (let i = 0; i < 3; i++) {
      expect(() => decodeCompactJws(jws({ alg: 'RS256', crit: ['exp'] }, {}), MAX)).toThrow(
        expect.objectContaining({ reason: 'unsupported_header' }),
      );
      expect(() => decodeCompactJws(`e30!.${b64({})}.c2ln`, MAX)).toThrow(
        expect.objectContaining({ reason: 'malformed_token' }),
      );
      expect(() => decodeCompactJws(jws({ typ: 'JWT' }, {}), MAX)).toThrow(
        expect.objectContaining({ description: 'the token header is not valid' }),
      );
    }
  });

  it('still checks the payload and signature of a token whose header is known', () => {
    const header = { alg: 'ES256', kid: 'known' };
    decodeCompactJws(jws(header, {}), MAX);
    expect(() => decodeCompactJws(`${b64(header)}.${b64([1])}.c2ln`, MAX)).toThrow(
      expect.objectContaining({ description: 'the token payload is not a JSON object' }),
    );
    expect(() => decodeCompactJws(`${b64(header)}.${b64({})}.c2+n`, MAX)).toThrow(
      expect.objectContaining({ reason: 'malformed_token' }),
    );
  });

  it('decodes correctly through many distinct headers (the memo empties when full)', () => {
    for (let i = 0; i < 300; i++) {
      const header = { alg: 'RS256', kid: `key-${i}` };
      expect(decodeCompactJws(jws(header, { i }), MAX).header).toEqual(header);
    }
  });

  it('accepts only the canonical spelling of a segment (RFC 7515 §2, RFC 4648 §3.5)', () => {
    const header = b64({ alg: 'ES256' });
    const payload = b64({ sub: 'a' });
    // 2 bytes → 3 characters, 2 bits unused; 1 byte → 2 characters, 4 bits unused.
    const two = Buffer.from([0xff, 0xfe]).toString('base64url');
    const one = Buffer.from([0xff]).toString('base64url');
    expect(decodeCompactJws(`${header}.${payload}.${two}`, MAX).signature).toHaveLength(2);
    expect(decodeCompactJws(`${header}.${payload}.${one}`, MAX).signature).toHaveLength(1);
    const spellings = (canonical: string, unused: number) =>
      Array.from({ length: 2 ** unused }, (_, extra) => {
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const last = alphabet.indexOf(canonical.at(-1) as string);
        return canonical.slice(0, -1) + alphabet[last | extra];
      }).slice(1);
    for (const variant of [...spellings(two, 2), ...spellings(one, 4)]) {
      for (const token of [
        `${header}.${payload}.${variant}`,
        `${header}.${variant}.c2ln`,
        `${variant}.${payload}.c2ln`,
      ]) {
        expect(() => decodeCompactJws(token, MAX)).toThrow(
          expect.objectContaining({ reason: 'malformed_token' }),
        );
      }
    }
    expect(() => decodeCompactJws(`${header}.${payload}.c2lnA`, MAX)).toThrow(
      expect.objectContaining({ reason: 'malformed_token' }),
    );
  });

  it('checks the header segment itself, not only what it decodes to', () => {
    // Node's decoder skips characters outside the alphabet and ignores unused bits, so these
    // header segments decode to a good header; only the segment check refuses them.
    const payload = b64({ sub: 'a' });
    const good = b64({ alg: 'ES256', kid: 'k1' });
    expect(good.length % 4).toBe(3);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const noncanonical = good.slice(0, -1) + alphabet[alphabet.indexOf(good.at(-1) as string) | 1];
    for (const header of [`${good.slice(0, 4)}*${good.slice(4)}`, `${good}=`, noncanonical]) {
      expect(Buffer.from(header, 'base64url').toString()).toBe('{"alg":"ES256","kid":"k1"}');
      expect(() => decodeCompactJws(`${header}.${payload}.c2ln`, MAX)).toThrow(
        expect.objectContaining({
          reason: 'malformed_token',
          description: 'the token is not a JWT',
        }),
      );
    }
    expect(decodeCompactJws(`${good}.${payload}.c2ln`, MAX).header.kid).toBe('k1');
  });

  it('refuses each malformed shape with its reason and description', () => {
    const cases: [string, string, string][] = [
      ['x'.repeat(MAX + 1), 'token_too_large', `the token is longer than ${MAX} bytes`],
      ['a.b.c.d.e', 'unsupported_serialization', 'only compact JWS access tokens are accepted'],
      [
        '{"payload":"e30"}',
        'unsupported_serialization',
        'only compact JWS access tokens are accepted',
      ],
      ['a.b', 'malformed_token', 'the token is not a JWT'],
      [`${b64({ alg: 'ES256' })}.e30!.c2ln`, 'malformed_token', 'the token is not a JWT'],
      [
        jws({ alg: 'ES256', crit: ['x'] }, {}),
        'unsupported_header',
        'the token header has critical extensions',
      ],
      [
        jws({ alg: 'ES256', b64: false }, {}),
        'unsupported_header',
        'unencoded payloads (b64) are not accepted',
      ],
      [
        jws({ alg: 'ES256', b64: true }, {}),
        'unsupported_header',
        'unencoded payloads (b64) are not accepted',
      ],
      [jws({ alg: 'ES256' }, null), 'malformed_token', 'the token payload is not a JSON object'],
      [`${b64(null)}.${b64({})}.c2ln`, 'malformed_token', 'the token header is not valid'],
    ];
    for (const [token, reason, description] of cases) {
      expect(() => decodeCompactJws(token, MAX)).toThrow(
        expect.objectContaining({ code: 'invalid_token', reason, description }),
      );
    }
  });

  it('keeps at most 64 decoded headers, then starts again from empty', () => {
    let n = 0;
    const fresh = () => jws({ alg: 'ES256', kid: `memo-${n++}` }, {});
    const decodedHeader = (token: string) => decodeCompactJws(token, MAX).header;
    // Insert new headers until the first of them is forgotten: the memo was just emptied, and
    // holds only the header inserted last.
    const first = fresh();
    const firstHeader = decodedHeader(first);
    let last = first;
    for (let i = 0; i < 200 && decodedHeader(first) === firstHeader; i++) {
      last = fresh();
      decodedHeader(last);
    }
    expect(decodedHeader(first)).not.toBe(firstHeader);
    // (Looking `first` up again re-inserted it: the memo holds `last` and `first`.)
    const lastHeader = decodedHeader(last);
    for (let i = 0; i < 62; i++) decodedHeader(fresh());
    expect(decodedHeader(last)).toBe(lastHeader); // 64 held
    decodedHeader(fresh()); // the 65th empties the memo first
    expect(decodedHeader(last)).not.toBe(lastHeader);
  });

  it('freezes header and claims all the way down, and drops own __proto__ members', () => {
    const header = { alg: 'RS256', kid: 'deep', jwk: { kty: 'EC', x5c: ['a'] } };
    const json =
      '{"sub":"a","realm_access":{"roles":["user"]},"__proto__":{"admin":true},"list":[{"__proto__":{"x":1}}]}';
    expect(Object.hasOwn(JSON.parse(json), '__proto__')).toBe(true);
    const segment = Buffer.from(json).toString('base64url');
    const { header: decoded, claims } = decodeCompactJws(`${b64(header)}.${segment}.c2ln`, MAX);
    expect(Object.isFrozen((decoded.jwk as { x5c: string[] }).x5c)).toBe(true);
    const roles = (claims.realm_access as { roles: string[] }).roles;
    expect(Object.isFrozen(roles)).toBe(true);
    expect(() => roles.push('admin')).toThrow(TypeError);
    expect(Object.hasOwn(claims, '__proto__')).toBe(false);
    expect(Object.hasOwn((claims.list as object[])[0] as object, '__proto__')).toBe(false);
    expect({ ...claims }).not.toHaveProperty('admin');
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
  });

  it('decodes deeply nested claims without exhausting the stack', () => {
    const depth = 100_000;
    const segment = Buffer.from(`{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`).toString(
      'base64url',
    );
    const { claims } = decodeCompactJws(`${b64({ alg: 'RS256' })}.${segment}.c2ln`, 1024 * 1024);
    expect(Object.isFrozen(claims.a)).toBe(true);
  });
});
