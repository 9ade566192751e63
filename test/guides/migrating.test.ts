import { createServer, type RequestListener } from 'node:http';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersApi as afterExpress } from './after/express.js';
import { ordersApi as afterFastify } from './after/fastify.js';
import { ordersApi as afterKoa } from './after/koa.js';

// The migration guides' "what changes" tables, checked: every request goes to the app written
// with the library being left (before/) and to its Gatehouse version (after/), and each answer
// must be the one the guide documents. Both use the same real issuer on 127.0.0.1.

// The before/ apps are type-checked on their own (test/guides/before/tsconfig.json): the
// libraries' `req.auth` augmentations conflict with Gatehouse's in one program, so they are
// loaded here without their types.
type App = RequestListener | import('fastify').FastifyInstance;
const load = async (name: string) =>
  ((await import(`./before/${name}.ts`)) as { ordersApi: (...args: string[]) => unknown })
    .ordersApi;
const beforeBearer = (await load('express-oauth2-jwt-bearer')) as (...a: string[]) => App;
const beforeExpressJwt = (await load('express-jwt')) as (...a: string[]) => App;
const beforeFastifyJwt = (await load('fastify-jwt')) as (...a: string[]) => App;
const beforeKoaJwt = (await load('koa-jwt')) as (...a: string[]) => {
  callback(): RequestListener;
};

type Case =
  | 'valid'
  | 'noHeader'
  | 'basic'
  | 'malformed'
  | 'expired'
  | 'wrongAudience'
  | 'noScope'
  | 'keysDown';
/** status, then `WWW-Authenticate` (null: none), then the body's content type. */
type Answer = [number, RegExp | null, 'json' | 'html' | 'text'];

const GATEHOUSE: Record<Case, Answer> = {
  valid: [200, null, 'json'],
  noHeader: [401, /^Bearer$/, 'json'],
  basic: [401, /^Bearer$/, 'json'],
  malformed: [400, /^Bearer error="invalid_request"/, 'json'],
  expired: [401, /^Bearer error="invalid_token"/, 'json'],
  wrongAudience: [401, /^Bearer error="invalid_token"/, 'json'],
  noScope: [403, /^Bearer error="insufficient_scope".*scope="read:orders"$/, 'json'],
  keysDown: [503, null, 'json'],
};

const BEFORE: Record<string, Record<Case, Answer>> = {
  'express-oauth2-jwt-bearer': {
    valid: [200, null, 'json'],
    noHeader: [401, /^Bearer realm="api", DPoP algs=/, 'html'],
    basic: [400, /^Bearer realm="api", DPoP algs=/, 'html'],
    malformed: [400, /^Bearer realm="api", DPoP algs=/, 'html'],
    expired: [401, /^Bearer realm="api", error="invalid_token"/, 'html'],
    wrongAudience: [401, /^Bearer realm="api", error="invalid_token"/, 'html'],
    noScope: [403, /error="insufficient_scope".*scope="read:orders"/, 'html'],
    keysDown: [401, /error="invalid_token"/, 'html'],
  },
  'express-jwt': {
    valid: [200, null, 'json'],
    noHeader: [401, null, 'json'],
    basic: [401, null, 'json'],
    malformed: [401, null, 'json'],
    expired: [401, null, 'json'],
    wrongAudience: [401, null, 'json'],
    noScope: [403, null, 'json'],
    keysDown: [500, null, 'html'],
  },
  'koa-jwt': {
    valid: [200, null, 'json'],
    noHeader: [401, null, 'text'],
    basic: [401, null, 'text'],
    malformed: [401, null, 'text'],
    expired: [401, null, 'text'],
    wrongAudience: [401, null, 'text'],
    noScope: [403, null, 'text'],
    keysDown: [401, null, 'text'],
  },
  '@fastify/jwt': {
    valid: [200, null, 'json'],
    noHeader: [401, null, 'json'],
    basic: [401, null, 'json'],
    malformed: [400, null, 'json'],
    expired: [401, null, 'json'],
    wrongAudience: [401, null, 'json'],
    noScope: [403, null, 'json'],
    keysDown: [500, null, 'json'],
  },
};

let issuer: TestIssuer;
let down: TestIssuer;
const headers = {} as Record<Case, string | null>;
beforeAll(async () => {
  [issuer, down] = await Promise.all([createTestIssuer(), createTestIssuer()]);
  down.setFault({ type: 'down' });
  const bearer = async (claims: Record<string, unknown>, expiresIn?: number, from = issuer) =>
    `Bearer ${await from.mint(claims, expiresIn === undefined ? {} : { expiresIn })}`;
  Object.assign(headers, {
    valid: await bearer({ scope: 'read:orders' }),
    noHeader: null,
    basic: 'Basic dXNlcjpwYXNz',
    malformed: 'Bearer a b',
    expired: await bearer({ scope: 'read:orders' }, -120),
    wrongAudience: await bearer({ scope: 'read:orders', aud: 'https://other.example.test' }),
    noScope: await bearer({}),
    keysDown: await bearer({ scope: 'read:orders' }, undefined, down),
  });
});
afterAll(async () => {
  await Promise.all([issuer?.close(), down?.close()]);
});

type Build = (from: TestIssuer) => RequestListener | import('fastify').FastifyInstance;
const PAIRS: { library: string; before: Build; after: Build }[] = [
  {
    library: 'express-oauth2-jwt-bearer',
    before: (from) => beforeBearer(from.url, from.audience),
    after: (from) => afterExpress(from.url, from.audience),
  },
  {
    library: 'express-jwt',
    before: (from) => beforeExpressJwt(from.url, from.audience, from.jwksUri),
    after: (from) => afterExpress(from.url, from.audience),
  },
  {
    library: 'koa-jwt',
    before: (from) => beforeKoaJwt(from.url, from.audience, from.jwksUri).callback(),
    after: (from) => afterKoa(from.url, from.audience).callback(),
  },
  {
    library: '@fastify/jwt',
    before: (from) => beforeFastifyJwt(from.url, from.audience),
    after: (from) => afterFastify(from.url, from.audience),
  },
];

async function answer(build: Build, which: Case): Promise<request.Response> {
  const app = build(which === 'keysDown' ? down : issuer);
  const isFastify = typeof app !== 'function';
  if (isFastify) await app.ready();
  try {
    const target = isFastify ? app.server : createServer(app);
    const req = request(target).get('/orders').timeout(15_000);
    if (headers[which] !== null) req.set('Authorization', headers[which]!);
    return await req.ok(() => true);
  } finally {
    if (isFastify) await app.close();
  }
}

function check(response: request.Response, [status, challenge, type]: Answer): void {
  expect(response.status).toBe(status);
  const header = response.headers['www-authenticate'] as string | undefined;
  if (challenge === null) expect(header).toBeUndefined();
  else expect(header).toMatch(challenge);
  const contentType = { json: /^application\/json/, html: /^text\/html/, text: /^text\/plain/ }[
    type
  ];
  expect(response.headers['content-type']).toMatch(contentType);
}

const CASES = Object.keys(GATEHOUSE) as Case[];
describe.each(PAIRS)('migrating from $library', ({ library, before, after }) => {
  it.each(CASES)('%s: the answer before, and with Gatehouse', async (which) => {
    check(await answer(before, which), BEFORE[library]![which]);
    const response = await answer(after, which);
    check(response, GATEHOUSE[which]);
    if (which === 'valid') expect(response.body).toEqual({ sub: 'user-123' });
    if (which === 'keysDown')
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
});
