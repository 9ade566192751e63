import { describe, expect, it } from 'vitest';
import { GatehouseConfigError } from '../src/config-error.js';
import { DEFAULTS } from '../src/defaults.js';
import { resolveOptions, type VerifierOptions } from '../src/options.js';

const base = { issuer: 'https://as.example.com', audience: 'https://api.example.com' };

function issuesOf(options: unknown) {
  try {
    resolveOptions(options as VerifierOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseConfigError);
    return (error as GatehouseConfigError).issues.map((issue) => issue.path);
  }
  throw new Error('expected a GatehouseConfigError');
}

describe('resolveOptions: fails fast, naming the option', () => {
  it.each<[string, unknown, string]>([
    ['missing issuer', { audience: 'a' }, 'issuer'],
    ['missing audience', { issuer: 'https://as.example.com' }, 'audience'],
    ['empty audience', { ...base, audience: '' }, 'audience'],
    ['empty audience list', { ...base, audience: [] }, 'audience'],
    ['relative issuer', { ...base, issuer: 'as.example.com' }, 'issuer'],
    ['issuer with a query', { ...base, issuer: 'https://as.example.com/?x=1' }, 'issuer'],
    ['ftp issuer', { ...base, issuer: 'ftp://as.example.com' }, 'issuer'],
    ['http issuer off loopback', { ...base, issuer: 'http://as.example.com' }, 'issuer'],
    ['bad issuer in a list', { ...base, issuer: ['https://a.example.com', 'nope'] }, 'issuer.1'],
    ['none', { ...base, algorithms: ['RS256', 'none'] }, 'algorithms.1'],
    ['NoNe', { ...base, algorithms: ['NoNe'] }, 'algorithms.0'],
    ['unknown algorithm', { ...base, algorithms: ['RS1'] }, 'algorithms.0'],
    ['HMAC without secret', { ...base, algorithms: ['HS256'] }, 'algorithms.0'],
    [
      'HMAC mixed with RSA',
      { ...base, secret: 'x'.repeat(32), algorithms: ['HS256', 'RS256'] },
      'algorithms.1',
    ],
    ['short HMAC secret', { ...base, secret: 'too-short' }, 'secret'],
    ['negative tolerance', { ...base, clockTolerance: -1 }, 'clockTolerance'],
    ['unparsable tolerance', { ...base, clockTolerance: 'soon' }, 'clockTolerance'],
    ['zero maxTokenAge', { ...base, maxTokenAge: 0 }, 'maxTokenAge'],
    [
      'jwksUri with keys',
      { ...base, jwksUri: 'https://as.example.com/jwks', keys: { keys: [{ kty: 'RSA' }] } },
      'keys',
    ],
    [
      'jwksUri with several issuers',
      {
        ...base,
        issuer: ['https://a.example', 'https://b.example'],
        jwksUri: 'https://a.example/jwks',
      },
      'jwksUri',
    ],
    ['http jwksUri off loopback', { ...base, jwksUri: 'http://as.example.com/jwks' }, 'jwksUri'],
    ['typo in an option name', { ...base, audiance: 'x' }, '(options)'],
    ['unknown keyFetch option', { ...base, keyFetch: { timeoutMs: 5 } }, 'keyFetch'],
    ['zero cache size', { ...base, cache: { max: 0 } }, 'cache.max'],
    ['bad claim rule', { ...base, claims: { roles: { contains: 'x' } } }, 'claims.roles'],
    ['non-function onEvent', { ...base, onEvent: 'log' }, 'onEvent'],
    ['zero fetch timeout', { ...base, keyFetch: { timeout: 0 } }, 'keyFetch.timeout'],
    ['sub-second max-age', { ...base, keyFetch: { maxAge: '500ms' } }, 'keyFetch.maxAge'],
    ['zero maxKeys', { ...base, keyFetch: { maxKeys: 0 } }, 'keyFetch.maxKeys'],
  ])('%s', (_name, options, path) => {
    expect(issuesOf(options)).toContain(path);
  });

  it('says what is wrong in the message', () => {
    expect(() => resolveOptions({ ...base, algorithms: ['none'] })).toThrow(
      /algorithms\.0: "none" is never accepted/,
    );
    expect(() => resolveOptions({ audience: 'x' } as VerifierOptions)).toThrow(/issuer: /);
  });

  it('applies the documented defaults', () => {
    const resolved = resolveOptions(base);
    expect([...resolved.algorithms]).toEqual(DEFAULTS.algorithms);
    expect(resolved.clockToleranceMs).toBe(5000);
    expect(resolved.maxTokenLength).toBe(8192);
    expect(resolved.cacheMax).toBe(10_000);
    expect([...resolved.types]).toEqual(['at+jwt', 'jwt']);
    expect(resolved.typRequired).toBe(false);
    expect(resolved.keyFetch).toEqual({
      timeoutMs: 5000,
      cooldownMs: 30_000,
      maxAgeMs: 600_000,
      maxStaleMs: 86_400_000,
      maxBytes: 524_288,
      maxKeys: 100,
      allowInsecureRequests: false,
      sameOrigin: false,
    });
  });

  it('accepts durations as seconds or strings, and loopback http', () => {
    const resolved = resolveOptions({
      issuer: ['http://127.0.0.1:8080/realms/x', 'http://localhost:9000'],
      audience: ['a', 'b'],
      clockTolerance: '30s',
      maxTokenAge: '1h',
      keyFetch: { timeout: 2, cooldown: '1m' },
      typ: ['application/at+JWT'],
      cache: false,
    });
    expect(resolved.clockToleranceMs).toBe(30_000);
    expect(resolved.maxTokenAgeMs).toBe(3_600_000);
    expect(resolved.keyFetch.timeoutMs).toBe(2000);
    expect(resolved.keyFetch.cooldownMs).toBe(60_000);
    expect([...resolved.types]).toEqual(['at+jwt']);
    expect(resolved.typRequired).toBe(true);
    expect(resolved.cacheMax).toBe(0);
  });

  it('defaults to HS256 only with a secret', () => {
    expect([...resolveOptions({ ...base, secret: 'x'.repeat(32) }).algorithms]).toEqual(['HS256']);
  });
});

describe('resolveOptions: messages say what is wrong and what the option is for', () => {
  const messageOf = (options: unknown) => {
    try {
      resolveOptions(options as VerifierOptions);
    } catch (error) {
      expect(error).toBeInstanceOf(GatehouseConfigError);
      return (error as GatehouseConfigError).message;
    }
    throw new Error('expected a GatehouseConfigError');
  };

  it('a missing option is "required", with its purpose and an example', () => {
    const message = messageOf({ issuer: base.issuer });
    expect(message).toContain(
      "audience: is required: the identifier of this API as the issuer puts it in `aud`, e.g. 'https://api.example.com'",
    );
    expect(message).not.toContain('Invalid input');
    expect(messageOf({ audience: 'a' })).toMatch(
      /issuer: is required: the URL of the authorization server/,
    );
  });

  it('a value of the wrong type is not reported as missing', () => {
    const message = messageOf({ ...base, audience: 42 });
    expect(message).toMatch(
      /audience: must be a string or an array, not a number \(the identifier/,
    );
    expect(message).not.toContain('required');
    expect(messageOf({ ...base, cache: 5 })).toContain(
      'cache: must be false or an object, not a number',
    );
    expect(messageOf({ ...base, typ: 'strictt' })).toContain(
      'typ: must be "lenient", "strict" or an array, not "strictt"',
    );
  });

  it('a refinement keeps its own words', () => {
    expect(messageOf({ ...base, audience: '' })).toContain('audience: must not be empty');
  });

  it('an unknown option names the nearest known one', () => {
    expect(messageOf({ ...base, audiences: 'x' })).toContain(
      '(options): unknown option `audiences` — did you mean `audience`?',
    );
    expect(messageOf({ ...base, keyFetch: { timeoutMs: 5 } })).toContain(
      'keyFetch: unknown option `timeoutMs` — did you mean `timeout`?',
    );
    expect(messageOf({ ...base, cache: { Max: 5 } })).toContain(
      'cache: unknown option `Max` — did you mean `max`?',
    );
  });

  it('suggests nothing when no known option is close', () => {
    const message = messageOf({ ...base, zzzzzz: 1 });
    expect(message).toContain('(options): unknown option `zzzzzz`');
    expect(message).not.toContain('did you mean');
  });
});
