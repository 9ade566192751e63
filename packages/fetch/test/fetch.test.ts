import {
  type AuthContext,
  createVerifier,
  GatehouseConfigError,
  GatehouseError,
  toHttpResponse,
} from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type AuthResult,
  refusalHeaders,
  requireAnyScope,
  requireAuth,
  requireScopes,
  withAuth,
  withRouteAuth,
} from '../src/index.js';

let issuer: TestIssuer;
let base: { issuer: string; audience: string; realm: string };

beforeAll(async () => {
  issuer = await createTestIssuer();
  base = { issuer: issuer.url, audience: issuer.audience, realm: 'api' };
});
afterAll(async () => {
  await issuer.close();
});

const get = (authorization?: string, url = 'https://api.example.test/things') =>
  new Request(url, authorization ? { headers: { authorization } } : {});

const bodyOf = async (response: Response) => ({
  status: response.status,
  headers: Object.fromEntries(response.headers),
  body: (await response.json()) as Record<string, unknown>,
});

describe('@gatehouse/fetch requireAuth', () => {
  it('refuses bad options when built, not at the first request', () => {
    expect(() => requireAuth({ ...base, errors: 'quiet' } as never)).toThrow(GatehouseConfigError);
    expect(() => requireAuth({ ...base, audience: undefined } as never)).toThrow(
      GatehouseConfigError,
    );
    expect(() => requireScopes()).toThrow(GatehouseConfigError);
  });

  it("answers exactly toHttpResponse's status, headers and body (RFC 6750 §3.1)", async () => {
    const authenticate = requireAuth(base);
    const refusal = await authenticate(get());
    expect(refusal).toBeInstanceOf(Response);
    const expected = toHttpResponse(
      new GatehouseError(
        'unauthorized',
        'missing_credentials',
        'a Bearer access token is required',
      ),
      { realm: 'api' },
    );
    expect(await bodyOf(refusal as Response)).toEqual(expected);

    const expired = await authenticate(get(`Bearer ${await issuer.mint({}, { expiresIn: -120 })}`));
    const answer = await bodyOf(expired as Response);
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toMatch(
      /^Bearer realm="api", error="invalid_token"/,
    );
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.body.error).toBe('invalid_token');
  });

  it('gives the AuthContext, a cache hit included, as a promise', async () => {
    const authenticate = requireAuth<{ id: number }>({ verifier: createVerifier(base) });
    const token = await issuer.mint({ scope: 'read' });
    const first = await authenticate(get(`Bearer ${token}`));
    expect((first as AuthContext).subject).toBe('user-123');
    await authenticate(get(`Bearer ${token}`)); // the second verification admits it to the cache
    const hit = authenticate(get(`Bearer ${token}`));
    expect(((await hit) as AuthContext).scopes).toEqual(['read']);
    expectTypeOf(hit).toEqualTypeOf<Promise<AuthResult<{ id: number }>>>();
  });

  it('refuses two Authorization lines, which Headers joins into one value (RFC 6750 §2.1)', async () => {
    const token = await issuer.mint();
    const headers = new Headers();
    headers.append('Authorization', `Bearer ${token}`);
    headers.append('Authorization', `Bearer ${token}`);
    const refusal = await requireAuth(base)(new Request('https://api.example.test/', { headers }));
    expect((refusal as Response).status).toBe(400);
    expect(await (refusal as Response).text()).not.toContain(token);
  });

  it("errors: 'delegate' throws the GatehouseError; refusalHeaders gives its challenge", async () => {
    const authenticate = requireAuth({ ...base, errors: 'delegate' });
    const request = get('Bearer not-a-jwt');
    const error = await Promise.resolve(authenticate(request)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(refusalHeaders(error, request)).toEqual({
      'cache-control': 'no-store',
      'www-authenticate': expect.stringMatching(/^Bearer realm="api", error="invalid_token"/),
    });
    expect(refusalHeaders(new Error('not ours'), request)).toEqual({});
  });
});

describe('@gatehouse/fetch withAuth', () => {
  it('runs the guards in order after authentication; the first refusal answers', async () => {
    const handler = withAuth(
      requireAuth(base),
      (_request, auth) => Response.json({ sub: auth?.subject }),
      requireAnyScope('read', 'admin'),
      requireScopes('write'),
    );
    const readOnly = await handler(get(`Bearer ${await issuer.mint({ scope: 'read' })}`));
    expect(readOnly.status).toBe(403);
    expect(readOnly.headers.get('www-authenticate')).toContain('scope="write"');
    const noScope = await handler(get(`Bearer ${await issuer.mint({ scope: 'other' })}`));
    expect(noScope.headers.get('www-authenticate')).toContain('scope="read admin"');
    const both = await handler(get(`Bearer ${await issuer.mint({ scope: 'read write' })}`));
    expect(both.status).toBe(200);
    expect(await both.json()).toEqual({ sub: 'user-123' });
  });

  it("lets a resolveUser error reject, unchanged, for the server's error handling", async () => {
    const failure = new Error('user store down');
    const handler = withAuth(
      requireAuth({
        ...base,
        resolveUser: () => {
          throw failure;
        },
      }),
      () => new Response('never'),
    );
    await expect(handler(get(`Bearer ${await issuer.mint()}`))).rejects.toBe(failure);
  });
});

describe('@gatehouse/fetch withRouteAuth (Next.js App Router)', () => {
  // Next calls `GET(request, { params })`, `params` a promise since Next 15.
  it("passes Next's context through with auth added", async () => {
    const GET = withRouteAuth<{ name: string }, { params: Promise<{ id: string }> }>(
      requireAuth({ ...base, resolveUser: (auth) => ({ name: `user ${auth.subject}` }) }),
      async (request, { params, auth }) => {
        expectTypeOf(auth).toEqualTypeOf<AuthContext<{ name: string }> | undefined>();
        const { id } = await params;
        return Response.json({ id, user: auth?.user?.name, path: new URL(request.url).pathname });
      },
      requireScopes('read'),
    );
    const url = 'https://app.example.test/api/things/42';
    const context = { params: Promise.resolve({ id: '42' }) };
    const ok = await GET(get(`Bearer ${await issuer.mint({ scope: 'read' })}`, url), context);
    expect(await ok.json()).toEqual({ id: '42', user: 'user user-123', path: '/api/things/42' });
    const refused = await GET(get(undefined, url), context);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });
});
