import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { GatehouseConfigError } from '../src/config-error.js';
import { toHttpResponse } from '../src/errors.js';
import type { GatehouseEvent } from '../src/types.js';
import { AUDIENCE, now, OPAQUE, refusal, useIntrospectionServer } from './support/introspection.js';
import { type Answer, startIntrospectionServer } from './support/introspection-endpoint.js';

// RFC 7662 answers, endpoint discovery and the `introspection` option of an issuer entry.
const f = useIntrospectionServer();

describe('issuer introspection: answers (RFC 7662 §2.2)', () => {
  it('active → the same AuthContext shape as a JWT, from the response', async () => {
    f.as.answer = () => ({ body: f.activeFor() });
    const auth = await f.verifierWith().authenticate(`Bearer ${OPAQUE}`);
    expect(auth).toMatchObject({
      token: OPAQUE,
      header: { alg: 'none' },
      issuer: f.as.issuer,
      subject: 'ada',
      clientId: 'notes-app',
      scopes: ['notes:read', 'notes:write'],
    });
    expect(auth.claims).not.toHaveProperty('active');
    expect(auth.claims.aud).toBe(AUDIENCE);
    expect(Object.isFrozen(auth)).toBe(true);
    expect(f.as.received[0]?.form.get('token')).toBe(OPAQUE);
    expect(f.as.received[0]?.form.get('token_type_hint')).toBe('access_token');
  });

  it.each([
    ['active: false', () => ({ active: false }), 'token_inactive'],
    ['another aud', () => f.activeFor({ aud: 'https://other.example.test' }), 'audience_mismatch'],
    ['no aud', () => f.activeFor({ aud: undefined }), 'audience_mismatch'],
    ['another iss', () => f.activeFor({ iss: 'https://evil.example.test' }), 'issuer_mismatch'],
    ['expired exp', () => f.activeFor({ exp: now() - 60 }), 'expired'],
    ['future nbf', () => f.activeFor({ nbf: now() + 600 }), 'not_yet_valid'],
    ['token_type DPoP', () => f.activeFor({ token_type: 'DPoP' }), 'type_mismatch'],
    [
      'a cnf (sender-constrained)',
      () => f.activeFor({ cnf: { jkt: 'abc' } }),
      'sender_constrained',
    ],
  ])('%s → 401 invalid_token', async (_, body, reason) => {
    f.as.answer = () => ({ body: body() });
    const error = await refusal(f.verifierWith().verify(OPAQUE));
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid_token');
    expect(error.reason).toBe(reason);
  });

  it('an aud array naming this API is accepted', async () => {
    f.as.answer = () => ({ body: f.activeFor({ aud: ['https://x.example.test', AUDIENCE] }) });
    await expect(f.verifierWith().verify(OPAQUE)).resolves.toMatchObject({ subject: 'ada' });
  });

  it.each<[string, () => Answer]>([
    ['a 500', () => ({ status: 500, body: { error: 'server_error' } })],
    ['a 401 (our credentials refused)', () => ({ status: 401, body: { error: 'invalid_client' } })],
    ['a redirect', () => ({ status: 302, headers: { location: 'https://evil.example.test/' } })],
    ['not JSON', () => ({ raw: '<html>ok</html>' })],
    ['a JSON array', () => ({ body: [{ active: true }] })],
    ['"active": "true" (a string)', () => ({ body: { ...f.activeFor(), active: 'true' } })],
    ['no "active"', () => ({ body: { sub: 'ada', aud: AUDIENCE } })],
    ['exp as a string', () => ({ body: f.activeFor({ exp: String(now() + 600) }) })],
    ['scope as an array', () => ({ body: f.activeFor({ scope: ['notes:read'] }) })],
    ['a body over maxBytes', () => ({ body: f.activeFor({ pad: 'x'.repeat(70_000) }) })],
  ])('endpoint answers %s → 503 + Retry-After, never a 200', async (_, answer) => {
    f.as.answer = answer;
    const events: GatehouseEvent[] = [];
    const verifier = f.verifierWith({ retryAfter: 7 }, { onEvent: (event) => events.push(event) });
    const error = await refusal(verifier.verify(OPAQUE));
    expect(error.code).toBe('temporarily_unavailable');
    expect(error.reason).toBe('introspection_unavailable');
    const response = toHttpResponse(error);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('7');
    expect(events.map((event) => event.type)).toContain('introspection_failed');
    expect(JSON.stringify(events)).not.toContain(OPAQUE);
  });

  it('a slow endpoint → 503 within the timeout budget', async () => {
    f.as.answer = () => ({ body: f.activeFor(), delayMs: 3000 });
    const started = Date.now();
    const error = await refusal(f.verifierWith({ timeout: 0.3 }).verify(OPAQUE));
    expect(error.code).toBe('temporarily_unavailable');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('an endpoint that is down → 503', async () => {
    const endpoint = f.as.endpoint;
    await f.as.close();
    const error = await refusal(f.verifierWith({ endpoint }).verify(OPAQUE));
    expect(error.code).toBe('temporarily_unavailable');
    f.as = await startIntrospectionServer(); // for afterEach
  });

  it('a token over maxTokenLength → 401 without asking the endpoint', async () => {
    const error = await refusal(f.verifierWith({}, { maxTokenLength: 16 }).verify('a'.repeat(17)));
    expect(error.reason).toBe('token_too_large');
    expect(f.as.received).toHaveLength(0);
  });
});

describe('endpoint discovery', () => {
  it('finds introspection_endpoint in the issuer metadata', async () => {
    f.as.answer = () => ({ body: f.activeFor() });
    const verifier = f.verifierWith({ endpoint: undefined });
    await expect(verifier.verify(OPAQUE)).resolves.toMatchObject({ subject: 'ada' });
    expect(f.as.received).toHaveLength(1);
  });

  it.each([
    ['no introspection_endpoint', () => ({ issuer: f.as.issuer })],
    [
      'a link-local endpoint (cloud metadata)',
      () => ({ issuer: f.as.issuer, introspection_endpoint: 'https://169.254.169.254/introspect' }),
    ],
    [
      'another issuer',
      () => ({ issuer: 'https://evil.example.test', introspection_endpoint: f.as.endpoint }),
    ],
    [
      'an http endpoint off loopback',
      () => ({ issuer: f.as.issuer, introspection_endpoint: 'http://f.as.example.test/i' }),
    ],
  ])('metadata with %s → 503, the token is sent nowhere', async (_, metadata) => {
    f.as.metadata = metadata();
    f.as.answer = () => ({ body: f.activeFor() });
    const error = await refusal(f.verifierWith({ endpoint: undefined }).verify(OPAQUE));
    expect(error.code).toBe('temporarily_unavailable');
    expect(f.as.received).toHaveLength(0);
  });
});

describe('options', () => {
  const issues = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (error instanceof GatehouseConfigError) return error.issues.map((issue) => issue.path);
      throw error;
    }
    throw new Error('accepted');
  };

  it.each([
    [{ clientSecret: '' }, 'issuer.introspection.clientSecret'],
    [{ clientSecret: undefined }, 'issuer.introspection.clientSecret'],
    [{ clientAuth: 'private_key_jwt' }, 'issuer.introspection.privateKey'],
    [{ clientAuth: 'tls_client_auth' }, 'issuer.introspection.clientAuth'],
    [
      { clientAuth: 'private_key_jwt', privateKey: generateKeyPairSync('ed25519').publicKey },
      'issuer.introspection.privateKey',
    ],
    [
      {
        clientAuth: 'private_key_jwt',
        privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
        algorithm: 'RS256',
      },
      'issuer.introspection.algorithm',
    ],
    [
      { clientAuth: 'private_key_jwt', privateKey: { kty: 'EC' } },
      'issuer.introspection.privateKey',
    ],
    [{ endpoint: 'http://f.as.example.test/introspect' }, 'issuer.introspection.endpoint'],
    [{ tokens: 'some' }, 'issuer.introspection.tokens'],
    [{ match: /^gh_/ }, 'issuer.introspection.match'],
    [{ response: 'xml' }, 'issuer.introspection.response'],
    [{ breaker: { failures: 0 } }, 'issuer.introspection.breaker.failures'],
    [{ breaker: { cooldown: '0s' } }, 'issuer.introspection.breaker.cooldown'],
    [{ cache: { maxTtl: 0 } }, 'issuer.introspection.cache.maxTtl'],
    [{ cache: { store: {} } }, 'issuer.introspection.cache'],
    [{ timeout: 0 }, 'issuer.introspection.timeout'],
  ])('refuses %j, naming %s', (introspection, path) => {
    expect(issues(() => f.verifierWith(introspection as never))).toContain(path);
  });
});
