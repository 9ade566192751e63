import { describe, expect, it } from 'vitest';
import { extractScopes, hasAnyScope, hasScopes } from '../src/scopes.js';

describe('extractScopes (RFC 9068 §2.2.3, scp, permissions)', () => {
  it('splits scope on spaces only, keeping URL-shaped scopes whole', () => {
    expect(
      extractScopes({
        scope: 'openid https://api.banno.com/consumer/auth/offline_access  accounts:read',
      }),
    ).toEqual(['openid', 'https://api.banno.com/consumer/auth/offline_access', 'accounts:read']);
  });

  it('reads scp as an array or a string, and permissions, without duplicates', () => {
    expect(extractScopes({ scp: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(extractScopes({ scp: 'a b' })).toEqual(['a', 'b']);
    expect(extractScopes({ scope: 'a b', scp: ['b', 'c'], permissions: ['c', 'read:x'] })).toEqual([
      'a',
      'b',
      'c',
      'read:x',
    ]);
    expect(extractScopes({})).toEqual([]);
  });

  it.each([{ scope: ['a'] }, { scope: 1 }, { scp: [1] }, { scp: {} }, { permissions: [null] }])(
    'refuses %j as invalid_token',
    (claims) => {
      expect(() => extractScopes(claims as never)).toThrowError(
        expect.objectContaining({ code: 'invalid_token' }),
      );
    },
  );
});

describe('hasScopes / hasAnyScope', () => {
  const auth = { scopes: ['accounts:read', 'https://api.banno.com/consumer/auth/offline_access'] };
  it('needs all for hasScopes, one for hasAnyScope', () => {
    expect(hasScopes(auth, ['accounts:read'])).toBe(true);
    expect(hasScopes(auth, ['accounts:read', 'transfers:write'])).toBe(false);
    expect(
      hasAnyScope(auth, ['transfers:write', 'https://api.banno.com/consumer/auth/offline_access']),
    ).toBe(true);
    expect(hasAnyScope(auth, ['transfers:write'])).toBe(false);
    expect(hasScopes(auth, ['accounts'])).toBe(false);
  });
});
