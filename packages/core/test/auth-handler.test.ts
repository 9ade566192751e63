import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthHandler, failureFor } from '../src/auth-handler.js';
import { GatehouseConfigError } from '../src/config-error.js';
import { GatehouseError } from '../src/errors.js';
import { createVerifier } from '../src/verify.js';

let issuer: TestIssuer;
let base: { issuer: string; audience: string };

beforeAll(async () => {
  issuer = await createTestIssuer();
  base = { issuer: issuer.url, audience: issuer.audience };
});
afterAll(() => issuer.close());

const configError = (run: () => unknown): GatehouseConfigError => {
  try {
    run();
  } catch (error) {
    if (error instanceof GatehouseConfigError) return error;
    throw error;
  }
  throw new Error('no GatehouseConfigError');
};

describe('createAuthHandler', () => {
  it('authenticates a Bearer header into an AuthContext', async () => {
    const handler = createAuthHandler(base);
    const auth = await handler.authenticate(`Bearer ${await issuer.mint({ scope: 'a b' })}`, {});
    expect(auth).toMatchObject({ subject: 'user-123', issuer: issuer.url, scopes: ['a', 'b'] });
  });

  it('answers every request with a promise, a cache hit and an anonymous request included', async () => {
    const handler = createAuthHandler(base);
    const header = `Bearer ${await issuer.mint()}`;
    // First sight verifies; the second admits the token to the cache; the third is a hit.
    await handler.authenticate(header, {});
    const admitted = await handler.authenticate(header, {});
    const hit = handler.authenticate(header, {});
    expect(hit).toBeInstanceOf(Promise);
    expect(await hit).toBe(admitted);
    const anonymous = createAuthHandler({ ...base, optional: true }).authenticate(undefined, {});
    expect(anonymous).toBeInstanceOf(Promise);
    expect(await anonymous).toBeUndefined();
  });

  it('turns a verifier of your own that throws into a rejection, never a throw', async () => {
    const verifier = {
      challenge: {},
      verify: () => Promise.reject(new Error('unused')),
      verifyIdToken: () => Promise.reject(new Error('unused')),
      ready: async () => {},
      health: () => ({ ready: true, issuers: [] }),
      authenticate: () => {
        throw new GatehouseError('invalid_token', 'bad_signature', 'no');
      },
    };
    const outcome = createAuthHandler(verifier).authenticate('Bearer x', {});
    await expect(outcome).rejects.toMatchObject({ reason: 'bad_signature' });
  });

  it('uses a given Verifier as is, alone or with adapter options', async () => {
    const verifier = createVerifier({ ...base, realm: 'shared' });
    expect(createAuthHandler(verifier).challenge).toBe(verifier.challenge);
    const optional = createAuthHandler({ verifier, optional: true });
    expect(optional.challenge).toEqual({ realm: 'shared' });
    expect(await optional.authenticate(undefined, {})).toBeUndefined();
  });

  it('refuses verifier options next to `verifier`, naming them', () => {
    const verifier = createVerifier(base);
    const error = configError(() => createAuthHandler({ verifier, realm: 'x' } as never));
    expect(error.issues.map((i) => i.path)).toEqual(['realm']);
  });

  it.each([
    [{ optional: 'yes' }, 'optional'],
    [{ errors: 'loud' }, 'errors'],
    [{ unknownUser: 'ignore', resolveUser: () => null }, 'unknownUser'],
    [{ userCache: { max: -1 } }, 'userCache.max'],
    [{ resolveUser: {} }, 'resolveUser'],
    [{ verifier: {} }, 'verifier'],
    [{ unknownUser: 'continue' }, 'unknownUser'],
    [{ userCache: false }, 'userCache'],
  ])('refuses adapter option %j at construction, naming %s', (options, path) => {
    const error = configError(() => createAuthHandler({ ...base, ...options } as never));
    expect(error.issues.map((i) => i.path)).toContain(path);
  });

  it('hands the other options to createVerifier, which names what is wrong', () => {
    expect(
      configError(() => createAuthHandler({ ...base, clockTolerance: 'later' })).message,
    ).toContain('clockTolerance');
    expect(
      configError(() => createAuthHandler({ ...base, audiences: 'x' } as never)).message,
    ).toContain('audiences');
    expect(configError(() => createAuthHandler({ issuer: issuer.url } as never)).message).toContain(
      'audience',
    );
    expect(() => createAuthHandler(undefined as never)).toThrow(GatehouseConfigError);
  });

  describe('optional: true', () => {
    const handler = () => createAuthHandler({ ...base, optional: true });

    it('lets requests without a Bearer credential through without auth', async () => {
      expect(await handler().authenticate(undefined, {})).toBeUndefined();
      expect(await handler().authenticate('Basic dXNlcjpwYXNz', {})).toBeUndefined();
      expect(await handler().authenticate([], {})).toBeUndefined();
    });

    it('does not report anonymous requests as rejected tokens (onEvent)', async () => {
      const events: string[] = [];
      const quiet = createAuthHandler({
        ...base,
        optional: true,
        onEvent: (e) => events.push(e.type),
      });
      await quiet.authenticate(undefined, {});
      await quiet.authenticate('Basic dXNlcjpwYXNz', {});
      expect(events).toEqual([]);
      await expect(quiet.authenticate('Bearer not-a-jwt', {})).rejects.toBeDefined();
      expect(events).toEqual(['token_rejected']);
    });

    it('still refuses a malformed or invalid Bearer credential', async () => {
      await expect(handler().authenticate('Bearer', {})).rejects.toMatchObject({
        code: 'invalid_request',
      });
      await expect(handler().authenticate('Bearer not-a-jwt', {})).rejects.toMatchObject({
        code: 'invalid_token',
      });
      const expired = await issuer.mint({}, { expiresIn: -120 });
      await expect(handler().authenticate(`Bearer ${expired}`, {})).rejects.toMatchObject({
        code: 'invalid_token',
      });
    });
  });

  it('resolves the user with the request, leaving the verified context untouched', async () => {
    const seen: unknown[] = [];
    const handler = createAuthHandler<{ name: string }, { id: number }>({
      ...base,
      resolveUser: (auth, request) => {
        seen.push(request);
        return { name: `user ${auth.subject}` };
      },
    });
    const request = { id: 7 };
    const auth = await handler.authenticate(`Bearer ${await issuer.mint()}`, request);
    expect(auth?.user).toEqual({ name: 'user user-123' });
    expect(seen).toEqual([request]);
  });
});

describe('failureFor', () => {
  const refusal = new GatehouseError('invalid_token', 'expired', 'the token expired 10 s ago');

  it('answers toHttpResponse with the challenge of the handler that saw the request', async () => {
    const handler = createAuthHandler({ ...base, realm: 'api' });
    const request = {};
    await expect(handler.authenticate(undefined, request)).rejects.toBeDefined();
    const failure = failureFor(refusal, request);
    expect(failure).toEqual({
      action: 'respond',
      response: {
        status: 401,
        headers: {
          'cache-control': 'no-store',
          'content-type': 'application/json; charset=utf-8',
          'www-authenticate':
            'Bearer realm="api", error="invalid_token", error_description="the token expired 10 s ago"',
        },
        body: { error: 'invalid_token', error_description: 'the token expired 10 s ago' },
      },
    });
  });

  it("delegates with the challenge headers (no content-type) when errors: 'delegate'", async () => {
    const handler = createAuthHandler({ ...base, errors: 'delegate' });
    const request = {};
    await expect(handler.authenticate(undefined, request)).rejects.toBeDefined();
    expect(failureFor(refusal, request)).toEqual({
      action: 'delegate',
      error: refusal,
      headers: {
        'cache-control': 'no-store',
        'www-authenticate':
          'Bearer error="invalid_token", error_description="the token expired 10 s ago"',
      },
    });
  });

  it('delegates any other error unchanged, with no headers', () => {
    const failure = new TypeError('resolver bug');
    expect(failureFor(failure, {})).toEqual({ action: 'delegate', error: failure, headers: {} });
  });

  it('wraps a falsy error, which next(null) / done(null) would take for success', () => {
    for (const falsy of [null, undefined, 0, '', false]) {
      const failure = failureFor(falsy, {});
      expect(failure.action).toBe('delegate');
      expect(failure.action === 'delegate' && failure.error).toBeInstanceOf(Error);
    }
  });

  it('answers with the settings of the last handler that saw the request, default ones too', async () => {
    const token = await issuer.mint();
    const request = {};
    await createAuthHandler({ ...base, realm: 'api', errors: 'delegate' }).authenticate(
      `Bearer ${token}`,
      request,
    );
    // A default handler (respond, no realm) remembers nothing, but must still undo the first.
    await createAuthHandler(base).authenticate(`Bearer ${token}`, request);
    const failure = failureFor(refusal, request);
    expect(failure.action === 'respond' && failure.response.headers['www-authenticate']).toBe(
      'Bearer error="invalid_token", error_description="the token expired 10 s ago"',
    );
  });

  it('answers with a plain challenge for a request no handler saw', () => {
    const failure = failureFor(
      new GatehouseError('unauthorized', 'missing_credentials', 'no token'),
      {},
    );
    expect(failure.action === 'respond' && failure.response.headers['www-authenticate']).toBe(
      'Bearer',
    );
  });
});
