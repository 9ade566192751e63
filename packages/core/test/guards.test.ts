import { afterEach, describe, expect, it, vi } from 'vitest';
import { createAuthHandler } from '../src/auth-handler.js';
import { GatehouseConfigError } from '../src/config-error.js';
import { GatehouseError } from '../src/errors.js';
import { claimGuard, scopeGuard } from '../src/guards.js';
import type { AuthContext, JwtClaims } from '../src/types.js';

const URL_SCOPE = 'https://api.banno.com/consumer/auth/offline_access';

const authWith = (scopes: string[], claims: JwtClaims = {}): AuthContext => ({
  token: 't',
  header: { alg: 'RS256' },
  claims: { iss: 'https://as.example.test', ...claims },
  issuer: 'https://as.example.test',
  subject: 'ada',
  scopes,
});

const refusal = (run: () => void): GatehouseError => {
  try {
    run();
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error('the guard let the request pass');
};

const configError = (run: () => unknown): GatehouseConfigError => {
  try {
    run();
  } catch (error) {
    if (error instanceof GatehouseConfigError) return error;
    throw error;
  }
  throw new Error('no GatehouseConfigError');
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("scopeGuard(scopes, 'all') — RFC 6750 §3.1 insufficient_scope", () => {
  const guard = scopeGuard(['read', URL_SCOPE]);

  it('passes when every scope is granted, URL-shaped ones included', () => {
    expect(guard(authWith(['read', URL_SCOPE, 'other']))).toBeUndefined();
  });

  it('refuses with 403 and scope= listing the required scopes', () => {
    const error = refusal(() => guard(authWith(['read'])));
    expect(error).toMatchObject({
      code: 'insufficient_scope',
      reason: 'insufficient_scope',
      status: 403,
    });
    expect(error.scope).toEqual(['read', URL_SCOPE]);
  });
});

describe("scopeGuard(scopes, 'any')", () => {
  const guard = scopeGuard(['read', 'admin'], 'any');

  it('passes with one of them', () => {
    expect(guard(authWith(['admin']))).toBeUndefined();
  });

  it('refuses with the alternatives as scope=', () => {
    const error = refusal(() => guard(authWith(['other'])));
    expect(error).toMatchObject({ code: 'insufficient_scope', status: 403 });
    expect(error.scope).toEqual(['read', 'admin']);
  });
});

describe('scopeGuard options (checked at construction)', () => {
  it.each([[[]], [['']], [['a b']], [[42]], [['ok', 'quo"te']]])('refuses %j', (scopes) => {
    expect(configError(() => scopeGuard(scopes as string[])).issues.length).toBeGreaterThan(0);
  });
});

describe('claimGuard', () => {
  const guard = claimGuard({
    tenant: 'acme',
    roles: { includes: 'admin' },
    level: (value) => typeof value === 'number' && value >= 2,
  });

  it('passes when every rule holds', () => {
    expect(
      guard(authWith([], { tenant: 'acme', roles: ['admin', 'x'], level: 3 })),
    ).toBeUndefined();
  });

  it.each([
    { tenant: 'globex', roles: ['admin'], level: 3 },
    { tenant: 'acme', roles: ['user'], level: 3 },
    { tenant: 'acme', roles: ['admin'], level: 1 },
    { roles: ['admin'], level: 3 },
  ])('refuses %j with 403 insufficient_scope / claim_mismatch and no scope=', (claims) => {
    const error = refusal(() => guard(authWith([], claims)));
    expect(error).toMatchObject({
      code: 'insufficient_scope',
      reason: 'claim_mismatch',
      status: 403,
    });
    expect(error.scope).toBeUndefined();
  });

  it('treats a throwing predicate as a refusal, not a 500', () => {
    const throwing = claimGuard({
      org: (value) => (value as { id: string }).id === 'x',
    });
    expect(refusal(() => throwing(authWith([], {}))).reason).toBe('claim_mismatch');
  });

  it.each([
    [{}],
    [null],
    [{ tenant: { equals: 'acme' } }],
    [{ tenant: undefined }],
    [{ tenant: [1] }],
  ])('refuses rules %j at construction', (rules) => {
    expect(configError(() => claimGuard(rules as never)).issues.length).toBeGreaterThan(0);
  });
});

describe('a guard without an AuthContext', () => {
  it('answers 401 unauthorized without a warning when an optional handler saw the request', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const handler = createAuthHandler({
      issuer: 'https://as.example.test',
      audience: 'https://api.example.test',
      optional: true,
    });
    const request = {};
    expect(await handler.authenticate(undefined, request)).toBeUndefined();
    const error = refusal(() => scopeGuard(['read'])(undefined, request));
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 });
    expect(warn).not.toHaveBeenCalled();
  });

  it('answers 401 and warns once, naming the fix, when no handler ran (wiring mistake)', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const guard = scopeGuard(['read']);
    expect(refusal(() => guard(undefined, {}))).toMatchObject({
      code: 'unauthorized',
      status: 401,
    });
    expect(refusal(() => claimGuard({ a: 1 })(undefined, {}))).toMatchObject({
      code: 'unauthorized',
    });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain('requireScopes() ran before requireAuth()');
  });
});
