import { describe, expect, it } from 'vitest';
import { GatehouseConfigError } from '../src/config-error.js';
import { roleGuard } from '../src/guards.js';
import { extractRoles } from '../src/roles.js';
import type { AuthContext } from '../src/types.js';
import { thrown as refusal } from './support/thrown.js';

describe('extractRoles', () => {
  it('reads arrays and space-separated strings at every path, in order, without duplicates', () => {
    const claims = {
      roles: ['admin', 'reader'],
      realm_access: { roles: ['reader', 'offline_access'] },
      groups: 'ops  dev',
    };
    expect(extractRoles(claims, ['roles', 'realm_access.roles', 'groups'])).toEqual([
      'admin',
      'reader',
      'offline_access',
      'ops',
      'dev',
    ]);
  });

  it.each([
    ['an object', { roles: { admin: true } }],
    ['a number', { roles: 42 }],
    ['a boolean', { roles: true }],
    ['null', { roles: null }],
    ['nested arrays', { roles: [['admin']] }],
    ['objects in the array', { roles: [{ name: 'admin' }] }],
    ['an empty string', { roles: '' }],
  ])('ignores a malformed role claim: %s', (_name, claims) => {
    expect(extractRoles(claims, ['roles'])).toEqual([]);
  });

  it('keeps the string members of a mixed array', () => {
    expect(extractRoles({ roles: ['admin', 7, null, ['x'], 'reader'] }, ['roles'])).toEqual([
      'admin',
      'reader',
    ]);
  });
});

const auth = (roles: readonly string[] | undefined) =>
  ({
    token: 't',
    header: { alg: 'RS256' },
    claims: {},
    issuer: 'i',
    scopes: [],
    roles,
  }) as AuthContext;

describe('roleGuard', () => {
  it('all: passes with every role, else 403 missing_role naming the roles, no scope', () => {
    const guard = roleGuard(['admin', 'writer']);
    guard(auth(['writer', 'admin', 'x']));
    const error = refusal(() => guard(auth(['admin'])));
    expect(error).toMatchObject({
      status: 403,
      code: 'insufficient_scope',
      reason: 'missing_role',
    });
    expect(error.description).toContain('admin, writer');
    expect(error.scope).toBeUndefined();
  });

  it('any: one role is enough', () => {
    const guard = roleGuard(['admin', 'writer'], 'any');
    guard(auth(['writer']));
    expect(refusal(() => guard(auth([]))).reason).toBe('missing_role');
  });

  it('refuses a context without roles (no roles option) and a missing context (401)', () => {
    expect(refusal(() => roleGuard(['admin'])(auth(undefined))).status).toBe(403);
    expect(refusal(() => roleGuard(['admin'])(undefined, {})).status).toBe(401);
  });

  it.each([[[]], [['']], [['two words']], [['x'.repeat(257)]], [[7 as unknown as string]]])(
    'rejects %j at construction, naming the guard',
    (roles) => {
      expect(() => roleGuard(roles)).toThrow(GatehouseConfigError);
      expect(() => roleGuard(roles)).toThrow(/requireRoles\(\)/);
    },
  );

  it('keeps the description header-safe', () => {
    const error = refusal(() => roleGuard(['a"b\\c'])(auth([])));
    expect(error.description).not.toMatch(/["\\]/);
  });
});
