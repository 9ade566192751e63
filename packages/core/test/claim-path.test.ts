import { describe, expect, it } from 'vitest';
import { claimPathProblem, readClaim } from '../src/claim-path.js';

const claims = {
  roles: ['a'],
  realm_access: { roles: ['admin'] },
  resource_access: { 'orders-api': { roles: ['writer'] }, 'api.v2': { roles: ['v2'] } },
  'https://example.com/roles': ['namespaced'],
  'cognito:groups': ['admins'],
  list: [{ roles: ['hidden'] }],
  nested: { 'a.b': 1, a: { b: 2 } },
};

describe('readClaim', () => {
  it.each([
    ['roles', ['a']],
    ['realm_access.roles', ['admin']],
    ['resource_access.orders-api.roles', ['writer']],
    ['https://example.com/roles', ['namespaced']],
    ['cognito:groups', ['admins']],
    ['resource_access.api.v2.roles', ['v2']],
  ])('%s', (path, value) => {
    expect(readClaim(claims, path)).toEqual(value);
  });

  it('prefers a whole member name to a nested path, and never backtracks', () => {
    expect(readClaim(claims, 'nested.a.b')).toBe(1);
    expect(readClaim({ a: { x: 1 }, 'a.b': { c: 2 } }, 'a.b.c')).toBeUndefined();
  });

  it('does not index arrays or read inherited members', () => {
    expect(readClaim(claims, 'list.0.roles')).toBeUndefined();
    expect(readClaim(claims, '__proto__')).toBeUndefined();
    expect(readClaim(claims, 'constructor')).toBeUndefined();
    expect(readClaim(claims, 'roles.length')).toBeUndefined();
    expect(readClaim(JSON.parse('{"__proto__": {"x": 1}}'), '__proto__.x')).toBe(1);
  });

  it('answers undefined for anything that is not an object', () => {
    for (const value of [null, 1, 'x', [], undefined])
      expect(readClaim(value, 'a')).toBeUndefined();
    expect(readClaim({ a: 'text' }, 'a.b')).toBeUndefined();
  });

  it('is linear in the depth of the path', () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 1000; i++) deep = { a: deep };
    const path = `${'a.'.repeat(1000)}leaf`;
    const started = performance.now();
    expect(readClaim(deep, path)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('claimPathProblem', () => {
  it.each(['', '.a', 'a.', 'a..b', 'x'.repeat(257)])('refuses %j', (path) => {
    expect(claimPathProblem(path)).toEqual(expect.any(String));
  });
  it.each(['roles', 'realm_access.roles', 'https://example.com/roles'])('accepts %s', (path) => {
    expect(claimPathProblem(path)).toBeUndefined();
  });
});
