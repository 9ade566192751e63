import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatehouseConfigError } from '../src/config-error.js';
import { GatehouseError, toHttpResponse } from '../src/errors.js';
import { authenticationGuard } from '../src/guards.js';
import type { AuthContext, JwtClaims } from '../src/types.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const nowSeconds = NOW / 1000;

const authWith = (claims: JwtClaims): AuthContext => ({
  token: 't',
  header: { alg: 'RS256' },
  claims: { iss: 'https://as.example.test', ...claims },
  issuer: 'https://as.example.test',
  subject: 'ada',
  scopes: [],
  roles: [],
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

const challengeOf = (error: GatehouseError) =>
  toHttpResponse(error).headers['www-authenticate'] as string;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('authenticationGuard (RFC 9470 step-up)', () => {
  const mfa = authenticationGuard({ acr: ['urn:example:mfa', 'phr'] });
  const recent = authenticationGuard({ maxAge: 300 });

  it('passes an acceptable acr', () => {
    expect(() => mfa(authWith({ acr: 'phr' }))).not.toThrow();
  });

  it('§3: another acr → 401 insufficient_user_authentication with acr_values', () => {
    const error = refusal(() => mfa(authWith({ acr: 'urn:example:pwd' })));
    expect(error.status).toBe(401);
    expect(error.code).toBe('insufficient_user_authentication');
    expect(error.reason).toBe('acr_not_accepted');
    expect(challengeOf(error)).toBe(
      'Bearer error="insufficient_user_authentication", ' +
        'error_description="a different authentication level is required", ' +
        'acr_values="urn:example:mfa phr"',
    );
  });

  it.each([
    ['absent', {}],
    ['a number', { acr: 2 }],
    ['an array', { acr: ['phr'] }],
  ])('acr %s → refused', (_, claims) => {
    expect(refusal(() => mfa(authWith(claims))).reason).toBe('acr_not_accepted');
  });

  it('passes an auth_time within maxAge, to the second', () => {
    expect(() => recent(authWith({ auth_time: nowSeconds - 10 }))).not.toThrow();
    expect(() => recent(authWith({ auth_time: nowSeconds - 300 }))).not.toThrow();
  });

  it('§3: auth_time older than maxAge → 401 with max_age, quoted as §3 shows it', () => {
    const error = refusal(() => recent(authWith({ auth_time: nowSeconds - 301 })));
    expect(error.reason).toBe('auth_time_too_old');
    expect(challengeOf(error)).toBe(
      'Bearer error="insufficient_user_authentication", ' +
        'error_description="more recent authentication is required", max_age="300"',
    );
  });

  it('re-checks the time on every call: a token that passed goes stale (cache hits included)', () => {
    const auth = authWith({ auth_time: nowSeconds - 200 });
    expect(() => recent(auth)).not.toThrow();
    vi.setSystemTime(NOW + 101_000);
    expect(refusal(() => recent(auth)).reason).toBe('auth_time_too_old');
  });

  it.each([
    ['absent', {}],
    ['a string', { auth_time: String(nowSeconds) }],
    ['NaN-like', { auth_time: null }],
  ])('maxAge set, auth_time %s → refused', (_, claims) => {
    expect(refusal(() => recent(authWith(claims))).reason).toBe('auth_time_missing');
  });

  it('with both requirements, the challenge names both', () => {
    const guard = authenticationGuard({ acr: ['phr'], maxAge: '5m' });
    const error = refusal(() => guard(authWith({ acr: 'phr', auth_time: nowSeconds - 3600 })));
    expect(challengeOf(error)).toContain('acr_values="phr", max_age="300"');
    expect(() => guard(authWith({ acr: 'phr', auth_time: nowSeconds }))).not.toThrow();
  });

  it('no AuthContext → 401 unauthorized, never a pass', () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    expect(refusal(() => recent(undefined)).code).toBe('unauthorized');
  });

  it.each([
    [{}, 'requireAuthentication()'],
    [{ acr: [] }, 'requireAuthentication().acr'],
    [{ acr: ['two words'] }, 'requireAuthentication().acr.0'],
    [{ acr: ['say "hi"'] }, 'requireAuthentication().acr.0'],
    [{ maxAge: -1 }, 'requireAuthentication().maxAge'],
    [{ maxAge: 'soon' }, 'requireAuthentication().maxAge'],
    [{ max_age: 5 }, 'requireAuthentication()'],
  ])('refuses %j at construction, naming %s', (requirements, path) => {
    try {
      authenticationGuard(requirements as never);
    } catch (error) {
      expect(error).toBeInstanceOf(GatehouseConfigError);
      expect((error as GatehouseConfigError).issues.map((issue) => issue.path)).toContain(path);
      return;
    }
    throw new Error('accepted');
  });
});
