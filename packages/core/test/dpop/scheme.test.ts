import { describe, expect, it } from 'vitest';
import { extractDpopToken } from '../../src/dpop/authenticate.js';

describe('extractDpopToken: Authorization: DPoP (RFC 9449 §7.1)', () => {
  it('takes the token of the DPoP scheme, in any letter case, after one or more spaces', () => {
    for (const value of ['DPoP abc.def-_~+/=', 'dpop abc.def-_~+/=', 'DPOP   abc.def-_~+/=']) {
      expect(extractDpopToken(value)).toBe('abc.def-_~+/=');
    }
    expect(extractDpopToken(['DPoP t'])).toBe('t');
  });

  it('leaves other schemes and absent headers to the Bearer parser', () => {
    for (const value of [
      undefined,
      '',
      'Bearer t',
      'Basic dXNlcg==',
      'DPoPx t',
      ['Bearer a', 'Bearer b'],
    ]) {
      expect(extractDpopToken(value)).toBeUndefined();
    }
  });

  it('refuses an empty or ill-formed DPoP token with invalid_request on the DPoP challenge', () => {
    for (const value of ['DPoP', 'DPoP ', 'DPoP\ttoken', 'DPoP a b', 'DPoP tök']) {
      expect(() => extractDpopToken(value), value).toThrow(
        expect.objectContaining({
          code: 'invalid_request',
          reason: 'malformed_header',
          scheme: 'DPoP',
          status: 400,
        }),
      );
    }
  });

  it('refuses two credentials when one is DPoP', () => {
    for (const value of [['DPoP a', 'Bearer b'], ['Bearer a', 'dpop b'], 'DPoP a, Bearer b']) {
      expect(() => extractDpopToken(value)).toThrow(
        expect.objectContaining({
          code: 'invalid_request',
          reason: 'multiple_credentials',
          scheme: 'DPoP',
        }),
      );
    }
  });
});
