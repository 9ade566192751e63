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
});
