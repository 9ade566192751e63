import { generateKeyPairSync } from 'node:crypto';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatehouseError, toHttpResponse } from '../src/errors.js';
import type { IntrospectionRecord, IntrospectionStore } from '../src/introspection/store.js';
import {
  createIntrospectingVerifier,
  type IntrospectingVerifierOptions,
} from '../src/introspection/verifier.js';
import { GatehouseConfigError } from '../src/options.js';
import type { GatehouseEvent } from '../src/types.js';
import {
  type Answer,
  type IntrospectionServer,
  startIntrospectionServer,
} from './support/introspection-endpoint.js';

const AUDIENCE = 'https://api.example.test';
const OPAQUE = 'mF_9.B5f-4.1JqM'; // RFC 6750 §2.1 b64token, not a JWS
const now = () => Math.floor(Date.now() / 1000);
const activeFor = (extra: Record<string, unknown> = {}) => ({
  active: true,
  iss: as.issuer,
  aud: AUDIENCE,
  sub: 'ada',
  client_id: 'notes-app',
  scope: 'notes:read notes:write',
  token_type: 'Bearer',
  exp: now() + 600,
  iat: now(),
  ...extra,
});

let as: IntrospectionServer;
beforeEach(async () => {
  as = await startIntrospectionServer();
});
afterEach(async () => {
  await as.close();
});

const verifierWith = (
  introspection: Partial<IntrospectingVerifierOptions['introspection']> = {},
  options: Partial<IntrospectingVerifierOptions> = {},
) =>
  createIntrospectingVerifier({
    issuer: as.issuer,
    audience: AUDIENCE,
    ...options,
    introspection: {
      endpoint: as.endpoint,
      clientId: 'gatehouse-rs',
      clientSecret: 'rs-secret',
      ...introspection,
    },
  });

const refusal = async (promise: Promise<unknown>): Promise<GatehouseError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error('accepted');
};

describe('createIntrospectingVerifier: answers (RFC 7662 §2.2)', () => {
  it('active → the same AuthContext shape as a JWT, from the response', async () => {
    as.answer = () => ({ body: activeFor() });
    const auth = await verifierWith().authenticate(`Bearer ${OPAQUE}`);
    expect(auth).toMatchObject({
      token: OPAQUE,
      header: { alg: 'none' },
      issuer: as.issuer,
      subject: 'ada',
      clientId: 'notes-app',
      scopes: ['notes:read', 'notes:write'],
    });
    expect(auth.claims).not.toHaveProperty('active');
    expect(auth.claims.aud).toBe(AUDIENCE);
    expect(Object.isFrozen(auth)).toBe(true);
    expect(as.received[0]?.form.get('token')).toBe(OPAQUE);
    expect(as.received[0]?.form.get('token_type_hint')).toBe('access_token');
  });

  it.each([
    ['active: false', () => ({ active: false }), 'token_inactive'],
    ['another aud', () => activeFor({ aud: 'https://other.example.test' }), 'audience_mismatch'],
    ['no aud', () => activeFor({ aud: undefined }), 'audience_mismatch'],
    ['another iss', () => activeFor({ iss: 'https://evil.example.test' }), 'issuer_mismatch'],
    ['expired exp', () => activeFor({ exp: now() - 60 }), 'expired'],
    ['future nbf', () => activeFor({ nbf: now() + 600 }), 'not_yet_valid'],
    ['token_type DPoP', () => activeFor({ token_type: 'DPoP' }), 'type_mismatch'],
    ['a cnf (sender-constrained)', () => activeFor({ cnf: { jkt: 'abc' } }), 'type_mismatch'],
  ])('%s → 401 invalid_token', async (_, body, reason) => {
    as.answer = () => ({ body: body() });
    const error = await refusal(verifierWith().verify(OPAQUE));
    expect(error.status).toBe(401);
    expect(error.code).toBe('invalid_token');
    expect(error.reason).toBe(reason);
  });

  it('an aud array naming this API is accepted', async () => {
    as.answer = () => ({ body: activeFor({ aud: ['https://x.example.test', AUDIENCE] }) });
    await expect(verifierWith().verify(OPAQUE)).resolves.toMatchObject({ subject: 'ada' });
  });

  it.each<[string, () => Answer]>([
    ['a 500', () => ({ status: 500, body: { error: 'server_error' } })],
    ['a 401 (our credentials refused)', () => ({ status: 401, body: { error: 'invalid_client' } })],
    ['a redirect', () => ({ status: 302, headers: { location: 'https://evil.example.test/' } })],
    ['not JSON', () => ({ raw: '<html>ok</html>' })],
    ['a JSON array', () => ({ body: [{ active: true }] })],
    ['"active": "true" (a string)', () => ({ body: { ...activeFor(), active: 'true' } })],
    ['no "active"', () => ({ body: { sub: 'ada', aud: AUDIENCE } })],
    ['exp as a string', () => ({ body: activeFor({ exp: String(now() + 600) }) })],
    ['scope as an array', () => ({ body: activeFor({ scope: ['notes:read'] }) })],
    ['a body over maxBytes', () => ({ body: activeFor({ pad: 'x'.repeat(70_000) }) })],
  ])('endpoint answers %s → 503 + Retry-After, never a 200', async (_, answer) => {
    as.answer = answer;
    const events: GatehouseEvent[] = [];
    const verifier = verifierWith({ retryAfter: 7 }, { onEvent: (event) => events.push(event) });
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
    as.answer = () => ({ body: activeFor(), delayMs: 3000 });
    const started = Date.now();
    const error = await refusal(verifierWith({ timeout: 0.3 }).verify(OPAQUE));
    expect(error.code).toBe('temporarily_unavailable');
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('an endpoint that is down → 503', async () => {
    const endpoint = as.endpoint;
    await as.close();
    const error = await refusal(verifierWith({ endpoint }).verify(OPAQUE));
    expect(error.code).toBe('temporarily_unavailable');
    as = await startIntrospectionServer(); // for afterEach
  });

  it('a token over maxTokenLength → 401 without asking the endpoint', async () => {
    const error = await refusal(verifierWith({}, { maxTokenLength: 16 }).verify('a'.repeat(17)));
    expect(error.reason).toBe('token_too_large');
    expect(as.received).toHaveLength(0);
  });
});

describe('client authentication (RFC 6749 §2.3.1)', () => {
  beforeEach(() => {
    as.answer = () => ({ body: activeFor() });
  });

  it('client_secret_basic (default): id and secret form-encoded, then Base64', async () => {
    await verifierWith({ clientId: 'rs one', clientSecret: 'p:a%s+s' }).verify(OPAQUE);
    const header = as.received[0]?.authorization ?? '';
    expect(header.startsWith('Basic ')).toBe(true);
    expect(Buffer.from(header.slice(6), 'base64').toString()).toBe('rs+one:p%3Aa%25s%2Bs');
    expect(as.received[0]?.form.has('client_secret')).toBe(false);
  });

  it('client_secret_post: in the form, no Authorization header', async () => {
    await verifierWith({ clientAuth: 'client_secret_post' }).verify(OPAQUE);
    expect(as.received[0]?.authorization).toBeUndefined();
    expect(as.received[0]?.form.get('client_id')).toBe('gatehouse-rs');
    expect(as.received[0]?.form.get('client_secret')).toBe('rs-secret');
  });
});

describe('private_key_jwt (RFC 7523)', () => {
  it.each([
    ['EC P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' }), 'ES256'],
    ['RSA', () => generateKeyPairSync('rsa', { modulusLength: 2048 }), 'RS256'],
    ['Ed25519', () => generateKeyPairSync('ed25519'), 'EdDSA'],
  ])(
    '%s key: a fresh assertion per call, iss = sub = client, aud = issuer',
    async (_, pair, alg) => {
      as.answer = () => ({ body: activeFor() });
      const { privateKey, publicKey } = pair();
      const verifier = verifierWith({
        clientId: 'rs-jwt',
        clientSecret: undefined,
        clientAuth: 'private_key_jwt',
        privateKey,
        keyId: 'rs-key-1',
        cache: false,
      });
      await verifier.verify(OPAQUE);
      await verifier.verify(OPAQUE);
      const [first, second] = as.received.map((request) => request.form);
      expect(first?.get('client_assertion_type')).toBe(
        'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      );
      expect(first?.get('client_id')).toBe('rs-jwt');
      expect(as.received[0]?.authorization).toBeUndefined();
      const assertion = first?.get('client_assertion') ?? '';
      expect(decodeProtectedHeader(assertion)).toMatchObject({ alg, kid: 'rs-key-1' });
      const { payload } = await jwtVerify(assertion, publicKey, { audience: as.issuer });
      expect(payload).toMatchObject({ iss: 'rs-jwt', sub: 'rs-jwt' });
      expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(60);
      const { payload: next } = await jwtVerify(second?.get('client_assertion') ?? '', publicKey);
      expect(next.jti).not.toBe(payload.jti);
    },
  );

  it('takes a private JWK, its kid by default', async () => {
    as.answer = () => ({ body: activeFor() });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'from-jwk' };
    await verifierWith({ clientAuth: 'private_key_jwt', privateKey: jwk }).verify(OPAQUE);
    const assertion = as.received[0]?.form.get('client_assertion') ?? '';
    expect(decodeProtectedHeader(assertion)).toMatchObject({ alg: 'ES384', kid: 'from-jwk' });
  });
});

describe('caching and single flight', () => {
  it('concurrent requests for one token share one call', async () => {
    as.answer = () => ({ body: activeFor(), delayMs: 100 });
    const verifier = verifierWith();
    const results = await Promise.all(Array.from({ length: 20 }, () => verifier.verify(OPAQUE)));
    expect(results.every((auth) => auth.subject === 'ada')).toBe(true);
    expect(as.received).toHaveLength(1);
  });

  it('concurrent failures are shared too, and not cached', async () => {
    as.answer = () => ({ status: 503, raw: '', delayMs: 50 });
    const verifier = verifierWith();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => verifier.verify(OPAQUE)),
    );
    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(as.received).toHaveLength(1);
    as.answer = () => ({ body: activeFor() });
    await expect(verifier.verify(OPAQUE)).resolves.toMatchObject({ subject: 'ada' });
    expect(as.received).toHaveLength(2);
  });

  it('an answer is reused until maxTtl, then asked again', async () => {
    as.answer = () => ({ body: activeFor() });
    const verifier = verifierWith({ cache: { maxTtl: 0.4 } });
    await verifier.verify(OPAQUE);
    await verifier.verify(OPAQUE);
    expect(as.received).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 600));
    await verifier.verify(OPAQUE);
    expect(as.received).toHaveLength(2);
  });

  it('a cached answer never outlives the token: refused once exp has passed', async () => {
    const exp = now() + 1;
    as.answer = () => ({ body: activeFor({ exp }) });
    const verifier = verifierWith({}, { clockTolerance: 0 });
    await verifier.verify(OPAQUE);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await refusal(verifier.verify(OPAQUE))).reason).toBe('expired');
  });

  it('active: false is remembered briefly too (a flood of dead tokens costs one call each)', async () => {
    as.answer = () => ({ body: { active: false } });
    const verifier = verifierWith();
    await refusal(verifier.verify(OPAQUE));
    await refusal(verifier.verify(OPAQUE));
    expect(as.received).toHaveLength(1);
  });

  it('cache: false asks every time', async () => {
    as.answer = () => ({ body: activeFor() });
    const verifier = verifierWith({ cache: false });
    await verifier.verify(OPAQUE);
    await verifier.verify(OPAQUE);
    expect(as.received).toHaveLength(2);
  });

  it('a store of your own: keys are digests, no record holds the token; a failing store is a miss', async () => {
    as.answer = () => ({ body: activeFor() });
    const kept = new Map<string, { record: IntrospectionRecord; ttlMs: number }>();
    const store: IntrospectionStore = {
      get: async (key) => kept.get(key)?.record,
      set: async (key, record, ttlMs) => {
        kept.set(key, { record, ttlMs });
      },
    };
    const verifier = verifierWith({ cache: { store, maxTtl: 120 } });
    await verifier.verify(OPAQUE);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await verifier.verify(OPAQUE);
    expect(as.received).toHaveLength(1);
    expect(kept.size).toBe(1);
    expect(JSON.stringify([...kept])).not.toContain(OPAQUE);
    expect([...kept.values()][0]?.ttlMs).toBeLessThanOrEqual(120_000);

    const broken: IntrospectionStore = {
      get: () => {
        throw new Error('store down');
      },
      set: () => Promise.reject(new Error('store down')),
    };
    await expect(verifierWith({ cache: { store: broken } }).verify(OPAQUE)).resolves.toMatchObject({
      subject: 'ada',
    });
  });
});

describe('endpoint discovery', () => {
  it('finds introspection_endpoint in the issuer metadata', async () => {
    as.answer = () => ({ body: activeFor() });
    const verifier = verifierWith({ endpoint: undefined });
    await expect(verifier.verify(OPAQUE)).resolves.toMatchObject({ subject: 'ada' });
    expect(as.received).toHaveLength(1);
  });

  it.each([
    ['no introspection_endpoint', () => ({ issuer: as.issuer })],
    [
      'a link-local endpoint (cloud metadata)',
      () => ({ issuer: as.issuer, introspection_endpoint: 'https://169.254.169.254/introspect' }),
    ],
    [
      'another issuer',
      () => ({ issuer: 'https://evil.example.test', introspection_endpoint: as.endpoint }),
    ],
    [
      'an http endpoint off loopback',
      () => ({ issuer: as.issuer, introspection_endpoint: 'http://as.example.test/i' }),
    ],
  ])('metadata with %s → 503, the token is sent nowhere', async (_, metadata) => {
    as.metadata = metadata();
    as.answer = () => ({ body: activeFor() });
    const error = await refusal(verifierWith({ endpoint: undefined }).verify(OPAQUE));
    expect(error.code).toBe('temporarily_unavailable');
    expect(as.received).toHaveLength(0);
  });
});

describe('JWTs next to opaque tokens', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await createTestIssuer({ audience: AUDIENCE });
  });
  afterAll(async () => {
    await issuer.close();
  });
  const jwtVerifier = (tokens: 'opaque' | 'all') =>
    createIntrospectingVerifier({
      issuer: issuer.url,
      audience: AUDIENCE,
      introspection: { endpoint: as.endpoint, clientId: 'rs', clientSecret: 's', tokens },
    });

  it("tokens: 'opaque' (default): a JWT is verified locally, the endpoint never sees it", async () => {
    const verifier = jwtVerifier('opaque');
    const auth = await verifier.authenticate(`Bearer ${await issuer.mint({ sub: 'grace' })}`);
    expect(auth.subject).toBe('grace');
    expect(auth.header.alg).toBe('RS256');
    expect(as.received).toHaveLength(0);
    // A forged JWT is refused as a JWT, not sent to the endpoint.
    const forged = await refusal(verifier.verify(`${(await issuer.mint()).slice(0, -4)}AAAA`));
    expect(forged.code).toBe('invalid_token');
    expect(as.received).toHaveLength(0);
  });

  it("tokens: 'all': a valid JWT must also be active (revocation)", async () => {
    const token = await issuer.mint({ sub: 'grace' });
    const verifier = jwtVerifier('all');
    as.answer = () => ({ body: { active: false } });
    expect((await refusal(verifier.authenticate(`Bearer ${token}`))).reason).toBe('token_inactive');
    const fresh = await issuer.mint({ sub: 'grace' });
    as.answer = () => ({ body: { active: true, aud: AUDIENCE, sub: 'grace' } });
    const auth = await verifier.verify(fresh);
    expect(auth.header.alg).toBe('RS256');
    expect(auth.subject).toBe('grace');
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
    [{ clientSecret: '' }, 'introspection.clientSecret'],
    [{ clientSecret: undefined }, 'introspection.clientSecret'],
    [{ clientAuth: 'private_key_jwt' }, 'introspection.privateKey'],
    [{ clientAuth: 'tls_client_auth' }, 'introspection.clientAuth'],
    [
      { clientAuth: 'private_key_jwt', privateKey: generateKeyPairSync('ed25519').publicKey },
      'introspection.privateKey',
    ],
    [
      {
        clientAuth: 'private_key_jwt',
        privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
        algorithm: 'RS256',
      },
      'introspection.algorithm',
    ],
    [{ clientAuth: 'private_key_jwt', privateKey: { kty: 'EC' } }, 'introspection.privateKey'],
    [{ endpoint: 'http://as.example.test/introspect' }, 'introspection.endpoint'],
    [{ issuer: 'https://other.example.test' }, 'introspection.issuer'],
    [{ cache: { maxTtl: 0 } }, 'introspection.cache.maxTtl'],
    [{ cache: { store: {} } }, 'introspection.cache'],
    [{ timeout: 0 }, 'introspection.timeout'],
  ])('refuses %j, naming %s', (introspection, path) => {
    expect(issues(() => verifierWith(introspection as never))).toContain(path);
  });

  it('needs introspection.issuer with several issuers', () => {
    expect(
      issues(() =>
        verifierWith({}, { issuer: [as.issuer, 'https://second.example.test'] as never }),
      ),
    ).toContain('introspection.issuer');
  });
});
