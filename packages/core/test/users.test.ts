import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { GatehouseConfigError } from '../src/config-error.js';
import { GatehouseError } from '../src/errors.js';
import type { AuthContext } from '../src/types.js';
import { createUserResolver } from '../src/users.js';

const authFor = (subject: string | undefined, issuer = 'https://as.example.test'): AuthContext =>
  Object.freeze({
    token: 't',
    header: { alg: 'RS256' },
    claims: { iss: issuer, ...(subject === undefined ? {} : { sub: subject }) },
    issuer,
    scopes: [],
    ...(subject === undefined ? {} : { subject }),
  });

const request = {};

describe('createUserResolver', () => {
  it('sets user on a copy and never changes the (frozen, shared) verified context', async () => {
    const resolve = createUserResolver({ resolveUser: (auth) => ({ name: auth.subject }) });
    const auth = authFor('ada');
    const withUser = await resolve(auth, request);
    expect(withUser).not.toBe(auth);
    expect(withUser.user).toEqual({ name: 'ada' });
    expect(withUser.subject).toBe('ada');
    expect(auth.user).toBeUndefined();
  });

  it('caches found users per (issuer, sub)', async () => {
    const resolveUser = vi.fn(async (auth: AuthContext) => ({
      sub: auth.subject,
      iss: auth.issuer,
    }));
    const resolve = createUserResolver({ resolveUser });
    expect(resolve(authFor('ada'), request)).toBeInstanceOf(Promise);
    await resolve(authFor('ada'), request);
    // A cached user is given at once, on a new copy of the context.
    const hit = resolve(authFor('ada'), request);
    expect(hit).not.toBeInstanceOf(Promise);
    expect(hit).toMatchObject({ subject: 'ada', user: { sub: 'ada' } });
    expect(resolveUser).toHaveBeenCalledTimes(1);
    await resolve(authFor('bob'), request);
    const other = await resolve(authFor('ada', 'https://other-as.example.test'), request);
    expect(other.user).toEqual({ sub: 'ada', iss: 'https://other-as.example.test' });
    expect(resolveUser).toHaveBeenCalledTimes(3);
  });

  it('userCache.key: a user that depends on another claim is cached per that claim too', async () => {
    const resolveUser = vi.fn(async (auth: AuthContext) => ({
      sub: auth.subject,
      org: auth.claims.org_id,
    }));
    const inOrg = (org: string) => Object.freeze({ ...authFor('alice'), claims: { org_id: org } });
    const resolve = createUserResolver({
      resolveUser,
      userCache: { key: (auth) => `${auth.issuer} ${auth.subject} ${auth.claims.org_id}` },
    });
    expect((await resolve(inOrg('acme'), request)).user).toEqual({ sub: 'alice', org: 'acme' });
    expect((await resolve(inOrg('other'), request)).user).toEqual({ sub: 'alice', org: 'other' });
    expect(resolve(inOrg('acme'), request)).toMatchObject({ user: { org: 'acme' } });
    expect(resolveUser).toHaveBeenCalledTimes(2);
    // Without it, the (issuer, sub) default would hand alice@acme's row to alice@other.
    const byDefault = createUserResolver({ resolveUser });
    await byDefault(inOrg('acme'), request);
    expect(byDefault(inOrg('other'), request)).toMatchObject({ user: { org: 'acme' } });
  });

  it('shares one call between concurrent requests for one subject', async () => {
    const resolveUser = vi.fn(async () => {
      await sleep(20);
      return { id: 1 };
    });
    const resolve = createUserResolver({ resolveUser });
    const results = await Promise.all([1, 2, 3].map(() => resolve(authFor('ada'), request)));
    expect(resolveUser).toHaveBeenCalledTimes(1);
    expect(results.map((r) => r.user)).toEqual([{ id: 1 }, { id: 1 }, { id: 1 }]);
  });

  it('forgets users after ttl', async () => {
    const resolveUser = vi.fn(async () => ({ id: 1 }));
    const resolve = createUserResolver({ resolveUser, userCache: { ttl: '40ms' } });
    await resolve(authFor('ada'), request);
    await resolve(authFor('ada'), request);
    expect(resolveUser).toHaveBeenCalledTimes(1);
    await sleep(80);
    await resolve(authFor('ada'), request);
    expect(resolveUser).toHaveBeenCalledTimes(2);
  });

  it('is bounded by max (least recently used leaves first)', async () => {
    const resolveUser = vi.fn(async (auth: AuthContext) => ({ sub: auth.subject }));
    const resolve = createUserResolver({ resolveUser, userCache: { max: 2 } });
    for (const sub of ['a', 'b', 'c']) await resolve(authFor(sub), request);
    await resolve(authFor('c'), request);
    expect(resolveUser).toHaveBeenCalledTimes(3);
    await resolve(authFor('a'), request);
    expect(resolveUser).toHaveBeenCalledTimes(4);
  });

  it('calls the resolver every time with userCache: false', async () => {
    const resolveUser = vi.fn(async () => ({ id: 1 }));
    const resolve = createUserResolver({ resolveUser, userCache: false });
    await resolve(authFor('ada'), request);
    await resolve(authFor('ada'), request);
    expect(resolveUser).toHaveBeenCalledTimes(2);
  });

  it('rejects an unknown subject (null or undefined) as invalid_token / unknown_subject, uncached', async () => {
    for (const missing of [null, undefined]) {
      const resolveUser = vi.fn(async () => missing);
      const resolve = createUserResolver({ resolveUser });
      const error = await Promise.resolve(resolve(authFor('ghost'), request)).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(GatehouseError);
      expect(error).toMatchObject({
        code: 'invalid_token',
        reason: 'unknown_subject',
        status: 401,
      });
      await expect(resolve(authFor('ghost'), request)).rejects.toBeDefined();
      expect(resolveUser).toHaveBeenCalledTimes(2);
    }
  });

  it("continues without a user with unknownUser: 'continue'", async () => {
    const resolve = createUserResolver({ resolveUser: () => null, unknownUser: 'continue' });
    const auth = await resolve(authFor('ghost'), request);
    expect(auth.subject).toBe('ghost');
    expect(auth.user).toBeUndefined();
  });

  it('passes the resolver error on unchanged, and does not cache it', async () => {
    const failure = new Error('database down');
    const resolveUser = vi.fn(async () => {
      throw failure;
    });
    const resolve = createUserResolver({ resolveUser });
    await expect(resolve(authFor('ada'), request)).rejects.toBe(failure);
    await expect(resolve(authFor('ada'), request)).rejects.toBe(failure);
    expect(resolveUser).toHaveBeenCalledTimes(2);
    const sync = createUserResolver({
      resolveUser: () => {
        throw failure;
      },
    });
    await expect(sync(authFor('ada'), request)).rejects.toBe(failure);
  });

  it('calls the resolver for tokens without sub (client credentials), uncached', async () => {
    const resolveUser = vi.fn((auth: AuthContext) =>
      auth.subject === undefined ? { machine: true } : null,
    );
    const resolve = createUserResolver({ resolveUser });
    expect((await resolve(authFor(undefined), request)).user).toEqual({ machine: true });
    await resolve(authFor(undefined), request);
    expect(resolveUser).toHaveBeenCalledTimes(2);
  });

  it('gives the resolver the request', async () => {
    const resolveUser = vi.fn(() => ({ id: 1 }));
    const req = { path: '/x' };
    await createUserResolver({ resolveUser, userCache: false })(authFor('ada'), req);
    expect(resolveUser).toHaveBeenCalledWith(expect.objectContaining({ subject: 'ada' }), req);
  });

  const none = (): null => null;
  it.each<[Record<string, unknown>, string]>([
    [{ resolveUser: 'db' }, 'resolveUser'],
    [{ resolveUser: none, userCache: { max: 0 } }, 'userCache.max'],
    [{ resolveUser: none, userCache: { ttl: 'soon' } }, 'userCache.ttl'],
    [{ resolveUser: none, userCache: true }, 'userCache'],
    [{ resolveUser: none, unknownUser: 'ignore' }, 'unknownUser'],
  ])('refuses %j at construction, naming %s', (options, path) => {
    const error = (() => {
      try {
        createUserResolver(options as never);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(GatehouseConfigError);
    expect((error as GatehouseConfigError).issues.map((i) => i.path)).toContain(path);
  });
});
