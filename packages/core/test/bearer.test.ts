import { describe, expect, it } from 'vitest';
import { authorizationHeader, extractBearerToken } from '../src/bearer.js';
import { GatehouseError } from '../src/errors.js';

function refusal(header: string | string[] | undefined) {
  try {
    extractBearerToken(header);
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
    const { code, reason, status } = error as GatehouseError;
    return { code, reason, status };
  }
  throw new Error('expected a refusal');
}

describe('extractBearerToken (RFC 6750 §2.1)', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc.def.ghi', 'abc.def.ghi'],
    ['BEARER abc', 'abc'],
    ['Bearer  abc', 'abc'], // 1*SP: more than one space is allowed
    ['  Bearer abc  ', 'abc'], // surrounding OWS is not part of the field value (RFC 9110 §5.5)
    ['Bearer a-b_c~d+e/f=', 'a-b_c~d+e/f='],
    ['Bearer abc==', 'abc=='],
    [['Bearer abc'], 'abc'],
    [['', 'Bearer abc'], 'abc'],
  ])('accepts %j', (header, token) => {
    expect(extractBearerToken(header)).toBe(token);
  });

  it.each([undefined, '', '   ', 'Basic dXNlcjpwYXNz', 'Bearerabc', 'Digest x', 'DPoP abc', []])(
    'treats %j as no credentials: 401 without an error code (RFC 6750 §3.1)',
    (header) => {
      expect(refusal(header as string)).toEqual({
        code: 'unauthorized',
        reason: 'missing_credentials',
        status: 401,
      });
    },
  );

  it.each([
    'Bearer',
    'Bearer ',
    'Bearer abc def',
    'Bearer a=b',
    'Bearer ab"c',
    'Bearer\tabc',
    'Bearer abc,',
    'Bearer é',
  ])('refuses the malformed %j as invalid_request (400)', (header) => {
    expect(refusal(header)).toMatchObject({ code: 'invalid_request', status: 400 });
  });

  it('refuses two credentials in one header or in two headers as invalid_request', () => {
    expect(refusal('Bearer abc, Bearer def')).toEqual({
      code: 'invalid_request',
      reason: 'multiple_credentials',
      status: 400,
    });
    expect(refusal(['Bearer abc', 'Bearer def'])).toMatchObject({ reason: 'multiple_credentials' });
  });
});

describe('authorizationHeader (rawHeaders)', () => {
  it('finds the header whatever its case, keeps repeats, and reports absence', () => {
    expect(authorizationHeader(['Host', 'x', 'authorization', 'Bearer a'])).toBe('Bearer a');
    expect(
      authorizationHeader([
        'AUTHORIZATION',
        'Bearer a',
        'Accept',
        '*/*',
        'Authorization',
        'Bearer b',
      ]),
    ).toEqual(['Bearer a', 'Bearer b']);
    expect(authorizationHeader(['Host', 'x', 'Proxy-Authorization', 'Basic x'])).toBeUndefined();
    expect(authorizationHeader([])).toBeUndefined();
  });
});

// Cases found by mutation testing (`MUTATE=packages/core/src/bearer.ts pnpm mutate`): each kills
// a mutant that every other test let survive. docs/security.md lists the equivalent ones.
describe('extractBearerToken and authorizationHeader, edge cases', () => {
  const errorOf = (authorization: string | readonly string[] | undefined) => {
    try {
      extractBearerToken(authorization);
    } catch (error) {
      return error as GatehouseError;
    }
    throw new Error('accepted');
  };

  it('ignores a repeated header that holds only whitespace', () => {
    expect(extractBearerToken(['Bearer abc', '   '])).toBe('abc');
  });

  it('finds the scheme only at the start of the value', () => {
    for (const value of ['Basic bearer abc', 'xBearer abc', 'Token Bearer abc']) {
      expect(errorOf(value)).toMatchObject({ code: 'unauthorized', reason: 'missing_credentials' });
    }
  });

  it('refuses a second credential after a comma without a space', () => {
    expect(errorOf('Bearer abc,Bearer def')).toMatchObject({
      code: 'invalid_request',
      reason: 'multiple_credentials',
    });
  });

  it('names the reason and describes every refusal', () => {
    expect(errorOf('Bearer\tabc')).toMatchObject({
      code: 'invalid_request',
      reason: 'malformed_header',
    });
    for (const value of [
      undefined,
      'Basic x',
      'Bearer',
      'Bearer\tabc',
      'Bearer a$b',
      'Bearer a, Bearer b',
    ]) {
      expect(errorOf(value).description, String(value)).toMatch(/\S/);
    }
  });

  it('takes only the authorization header, not another 13-character one', () => {
    expect(
      authorizationHeader(['Cache-Control', 'no-cache', 'If-None-Match', '"x"']),
    ).toBeUndefined();
    expect(authorizationHeader(['Cache-Control', 'no-cache', 'authorization', 'Bearer a'])).toBe(
      'Bearer a',
    );
  });
});
