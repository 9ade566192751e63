import { describe, expect, it } from 'vitest';
import { createAdapterGuards } from '../src/adapter-guards.js';
import { GatehouseConfigError } from '../src/config-error.js';
import { GatehouseError } from '../src/errors.js';
import type { Guard } from '../src/guards.js';
import type { AuthContext } from '../src/types.js';

const NOW = Math.floor(Date.now() / 1000);

const auth: AuthContext = {
  token: 't',
  header: { alg: 'RS256' },
  claims: { iss: 'https://as.example.test', tenant: 'acme', acr: 'mfa', auth_time: NOW },
  issuer: 'https://as.example.test',
  subject: 'ada',
  scopes: ['read', 'write'],
  roles: ['admin'],
};

// The wrap an adapter passes: here it records each guard and hands back a label, so a test sees
// both what the factory built and that the adapter's handler is what the caller gets.
const built: Guard[] = [];
const guards = createAdapterGuards((guard) => {
  built.push(guard);
  return `handler ${built.length}`;
});

const lastGuard = (): Guard => built[built.length - 1] as Guard;

const outcome = (guard: Guard): string => {
  try {
    guard(auth, {});
    return 'pass';
  } catch (error) {
    if (error instanceof GatehouseError) return `${error.code}/${error.reason}`;
    throw error;
  }
};

describe('createAdapterGuards: each name wraps the core guard it stands for', () => {
  it.each([
    ['requireScopes (all)', 'pass', () => guards.requireScopes('read', 'write')],
    [
      'requireScopes (all)',
      'insufficient_scope/insufficient_scope',
      () => guards.requireScopes('read', 'admin'),
    ],
    ['requireAnyScope', 'pass', () => guards.requireAnyScope('admin', 'write')],
    [
      'requireAnyScope',
      'insufficient_scope/insufficient_scope',
      () => guards.requireAnyScope('admin', 'delete'),
    ],
    ['requireRoles (all)', 'pass', () => guards.requireRoles('admin')],
    [
      'requireRoles (all)',
      'insufficient_scope/missing_role',
      () => guards.requireRoles('admin', 'auditor'),
    ],
    ['requireAnyRole', 'pass', () => guards.requireAnyRole('auditor', 'admin')],
    ['requireAnyRole', 'insufficient_scope/missing_role', () => guards.requireAnyRole('auditor')],
    ['requireClaims', 'pass', () => guards.requireClaims({ tenant: 'acme' })],
    [
      'requireClaims',
      'insufficient_scope/claim_mismatch',
      () => guards.requireClaims({ tenant: 'other' }),
    ],
    ['requireAuthentication', 'pass', () => guards.requireAuthentication({ acr: ['mfa'] })],
    [
      'requireAuthentication',
      'insufficient_user_authentication/acr_not_accepted',
      () => guards.requireAuthentication({ acr: ['phr'] }),
    ],
  ])('%s → %s', (_name, expected, make) => {
    const handler = make();
    expect(handler).toBe(`handler ${built.length}`);
    expect(outcome(lastGuard())).toBe(expected);
  });

  it('validates arguments when a guard is made, as the core guards do', () => {
    expect(() => guards.requireScopes()).toThrow(GatehouseConfigError);
    expect(() => guards.requireAnyRole('two words')).toThrow(GatehouseConfigError);
    expect(() => guards.requireAuthentication({})).toThrow(GatehouseConfigError);
  });
});
