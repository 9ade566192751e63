import { describe, expect, it } from 'vitest';
import {
  checkAccessTokenType,
  checkIdTokenType,
  checkNotSenderConstrained,
  normalizeTyp,
  type TypePolicy,
} from '../src/token-kind.js';
import type { JwtClaims, JwtHeader } from '../src/types.js';

// The token-kind checks on their own (RFC 8725 §3.11, RFC 9068 §2.1, RFC 9449 §7.2); verify.test.ts
// and id-token.test.ts hold them to the same rules through a real issuer.
const LENIENT: TypePolicy = { types: new Set(['at+jwt', 'jwt']), typRequired: false };
const STRICT: TypePolicy = { types: new Set(['at+jwt']), typRequired: true };

const header = (typ?: unknown): JwtHeader =>
  (typ === undefined ? { alg: 'ES256' } : { alg: 'ES256', typ }) as JwtHeader;
const refusal = (check: () => void) => {
  try {
    check();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('normalizeTyp (RFC 7515 §4.1.9)', () => {
  it.each([
    ['at+jwt', 'at+jwt'],
    ['AT+JWT', 'at+jwt'],
    ['application/at+jwt', 'at+jwt'],
    ['Application/AT+JWT', 'at+jwt'],
    ['application/', ''],
    ['xapplication/at+jwt', 'xapplication/at+jwt'],
    ['at+jwt/application/', 'at+jwt/application/'],
  ])('%j → %j', (typ, normal) => {
    expect(normalizeTyp(typ)).toBe(normal);
  });
});

describe('checkAccessTokenType', () => {
  it.each(['nonce', 'at_hash', 'c_hash', 's_hash'])(
    'refuses a JWT or untyped token carrying the ID-token claim %s',
    (claim) => {
      for (const typ of [undefined, 'JWT', 'application/jwt']) {
        expect(refusal(() => checkAccessTokenType(header(typ), { [claim]: 'x' }, LENIENT))).toEqual(
          expect.objectContaining({ code: 'invalid_token', reason: 'type_mismatch' }),
        );
      }
      // Under an explicit at+jwt the claim is the issuer's business.
      expect(() => checkAccessTokenType(header('at+jwt'), { [claim]: 'x' }, LENIENT)).not.toThrow();
    },
  );

  it.each(['ID', 'id', 'Refresh', 'refresh', 'Offline', 'OFFLINE'])(
    'refuses a JWT or untyped token with the payload typ %j (Keycloak)',
    (payloadTyp) => {
      for (const typ of [undefined, 'JWT']) {
        expect(
          refusal(() => checkAccessTokenType(header(typ), { typ: payloadTyp }, LENIENT)),
        ).toEqual(expect.objectContaining({ reason: 'type_mismatch' }));
      }
    },
  );

  it('accepts other payload typ values, and a payload typ that is not a string', () => {
    for (const claims of [{ typ: 'Bearer' }, { typ: 1 }, { typ: ['ID'] }] as JwtClaims[]) {
      expect(() => checkAccessTokenType(header('JWT'), claims, LENIENT)).not.toThrow();
      expect(() => checkAccessTokenType(header(), claims, LENIENT)).not.toThrow();
    }
  });

  it('lenient: at+jwt, JWT (any case, application/ prefix) and no typ; nothing else', () => {
    for (const typ of [
      undefined,
      'at+jwt',
      'JWT',
      'jwt',
      'application/JWT',
      'Application/At+Jwt',
    ]) {
      expect(() => checkAccessTokenType(header(typ), {}, LENIENT)).not.toThrow();
    }
    for (const typ of ['dpop+jwt', 'id+jwt', '', 1, null, ['at+jwt']]) {
      expect(refusal(() => checkAccessTokenType(header(typ), {}, LENIENT))).toEqual(
        expect.objectContaining({ reason: 'type_mismatch' }),
      );
    }
  });

  it('strict: a token without typ is refused, JWT too', () => {
    expect(refusal(() => checkAccessTokenType(header(), {}, STRICT))).toEqual(
      expect.objectContaining({ code: 'invalid_token', reason: 'type_mismatch' }),
    );
    expect(refusal(() => checkAccessTokenType(header('JWT'), {}, STRICT))).toEqual(
      expect.objectContaining({ reason: 'type_mismatch' }),
    );
    expect(() => checkAccessTokenType(header('application/at+jwt'), {}, STRICT)).not.toThrow();
  });
});

describe('refusal descriptions', () => {
  it.each([
    [
      () => checkAccessTokenType(header('JWT'), { nonce: 'n' }, LENIENT),
      'the token is not an access token',
    ],
    [
      () => checkAccessTokenType(header(), {}, STRICT),
      'the token has no "typ"; an access token (at+jwt) is required',
    ],
    [
      () => checkAccessTokenType(header('JOSE'), {}, LENIENT),
      'the token is not an access token (typ)',
    ],
    [() => checkIdTokenType(header('at+jwt')), 'the token is not an ID token (typ)'],
    [
      () => checkNotSenderConstrained({ cnf: { jkt: 'x' } }),
      'the token is bound to a key of its client (cnf) and cannot be used as a Bearer token',
    ],
  ])('%#: says what is wrong', (check, description) => {
    expect(refusal(check)).toEqual(expect.objectContaining({ description }));
  });
});

describe('checkIdTokenType (OIDC Core §2)', () => {
  it('accepts JWT (any case, application/ prefix) and no typ; refuses at+jwt and non-strings', () => {
    for (const typ of [undefined, 'JWT', 'jwt', 'application/jwt']) {
      expect(() => checkIdTokenType(header(typ))).not.toThrow();
    }
    for (const typ of ['at+jwt', 'application/at+jwt', 'logout+jwt', 1, null]) {
      expect(refusal(() => checkIdTokenType(header(typ)))).toEqual(
        expect.objectContaining({ code: 'invalid_token', reason: 'type_mismatch' }),
      );
    }
  });
});

describe('checkNotSenderConstrained (RFC 9449 §7.2, RFC 8705 §3)', () => {
  it('refuses any cnf, whatever it holds; accepts a token without one', () => {
    for (const cnf of [{ jkt: 'x' }, { 'x5t#S256': 'y' }, {}, null, 0, '']) {
      expect(refusal(() => checkNotSenderConstrained({ cnf } as JwtClaims))).toEqual(
        expect.objectContaining({ code: 'invalid_token', reason: 'sender_constrained' }),
      );
    }
    expect(() => checkNotSenderConstrained({ sub: 'a' })).not.toThrow();
  });
});
