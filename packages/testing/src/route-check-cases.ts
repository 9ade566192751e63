import { createPublicKey } from 'node:crypto';
import { base64url } from 'jose';
import type { CaseContext, CheckCase } from './route-check-types.js';
import type { TestIssuer } from './types.js';

const b64 = (value: unknown) => base64url.encode(JSON.stringify(value));
const bearer = async (token: Promise<string> | string) => [`Bearer ${await token}`];
const keyOf = (issuer: TestIssuer) => issuer.keys[0]!;

async function hostile(
  ctx: CaseContext,
  header: Record<string, unknown>,
  claims: Record<string, unknown> = {},
  signer: TestIssuer = ctx.issuer,
): Promise<string[]> {
  const payload = { ...(await ctx.validClaims()), ...claims };
  for (const name of Object.keys(claims)) if (claims[name] === undefined) delete payload[name];
  const kid = keyOf(signer).kid;
  return bearer(
    signer.sign({ alg: keyOf(signer).alg, typ: 'at+jwt', kid, ...header }, payload, { kid }),
  );
}

const P256_ORDER = 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551';

/** The matrix, in the order it runs. The slow `cached-then-expired` check is added by the runner. */
export const CASES: readonly CheckCase[] = [
  {
    id: 'valid-token',
    category: 'baseline',
    title: 'a valid access token of the trusted issuer',
    expect: 'accepted',
    authorization: (ctx) => bearer(ctx.valid()),
  },
  // RFC 6750 §2.1 / §3.1: reading the credential
  {
    id: 'no-credentials',
    category: 'rfc6750',
    title: 'no Authorization header',
    expect: 'no_credentials',
    authorization: async () => [],
  },
  {
    id: 'other-scheme',
    category: 'rfc6750',
    title: 'a Basic credential instead of Bearer',
    expect: 'no_credentials',
    authorization: async () => ['Basic dXNlcjpwYXNz'],
  },
  {
    id: 'empty-bearer',
    category: 'rfc6750',
    title: '"Bearer" with no token',
    expect: 'invalid_request',
    authorization: async () => ['Bearer'],
  },
  {
    id: 'malformed-bearer',
    category: 'rfc6750',
    title: 'a token with characters outside b64token',
    expect: 'invalid_request',
    authorization: async () => ['Bearer abc$def'],
  },
  {
    id: 'two-credentials',
    category: 'rfc6750',
    title: 'two Authorization headers, each a valid token of another subject',
    expect: 'invalid_request',
    authorization: async (ctx) => [
      `Bearer ${await ctx.valid({ sub: 'alice' })}`,
      `Bearer ${await ctx.valid({ sub: 'mallory' })}`,
    ],
  },
  {
    id: 'two-credentials-one-header',
    category: 'rfc6750',
    title: 'two Bearer credentials in one header',
    expect: 'invalid_request',
    authorization: async (ctx) => [
      `Bearer ${await ctx.valid({ sub: 'alice' })}, Bearer ${await ctx.valid({ sub: 'mallory' })}`,
    ],
  },
  // RFC 8725 and RFC 9068 §4: tokens that must be refused
  {
    id: 'alg-none',
    category: 'attack',
    title: 'alg "none" with a non-empty signature',
    expect: 'invalid_token',
    authorization: async (ctx) => [
      `Bearer ${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(await ctx.validClaims())}.c2ln`,
    ],
  },
  {
    id: 'alg-none-unsigned',
    category: 'attack',
    title: 'alg "none" with an empty signature',
    expect: 'invalid_token',
    authorization: async (ctx) => [
      `Bearer ${b64({ alg: 'none', typ: 'at+jwt' })}.${b64(await ctx.validClaims())}.`,
    ],
  },
  {
    id: 'hs256-public-key',
    category: 'attack',
    title: "HS256 keyed with the issuer's public key (PEM)",
    expect: 'invalid_token',
    authorization: async (ctx) => {
      const key = keyOf(ctx.issuer);
      const pem = createPublicKey({ key: key.publicJwk as never, format: 'jwk' }).export({
        type: 'spki',
        format: 'pem',
      });
      return bearer(
        ctx.issuer.sign({ alg: 'HS256', typ: 'at+jwt', kid: key.kid }, await ctx.validClaims(), {
          secret: String(pem),
        }),
      );
    },
  },
  {
    id: 'psychic-signature',
    category: 'attack',
    title: 'ES256 with r = s = 0 (CVE-2022-21449)',
    expect: 'invalid_token',
    unknownKid: true,
    authorization: async (ctx) => {
      const es = ctx.issuer.keys.find((key) => key.alg === 'ES256') ?? keyOf(ctx.issuer);
      const header = b64({ alg: 'ES256', typ: 'at+jwt', kid: es.kid });
      return [
        `Bearer ${header}.${b64(await ctx.validClaims())}.${base64url.encode(new Uint8Array(64))}`,
      ];
    },
  },
  {
    id: 'psychic-signature-order',
    category: 'attack',
    title: 'ES256 with r = s = n, the curve order',
    expect: 'invalid_token',
    unknownKid: true,
    authorization: async (ctx) => {
      const es = ctx.issuer.keys.find((key) => key.alg === 'ES256') ?? keyOf(ctx.issuer);
      const header = b64({ alg: 'ES256', typ: 'at+jwt', kid: es.kid });
      const signature = Buffer.from(P256_ORDER + P256_ORDER, 'hex').toString('base64url');
      return [`Bearer ${header}.${b64(await ctx.validClaims())}.${signature}`];
    },
  },
  {
    id: 'embedded-jwk',
    category: 'attack',
    title: "the trusted kid, signed by an attacker's key carried in the header (jwk)",
    expect: 'invalid_token',
    authorization: (ctx) =>
      hostile(
        ctx,
        { kid: keyOf(ctx.issuer).kid, jwk: keyOf(ctx.attacker).publicJwk },
        {},
        ctx.attacker,
      ),
  },
  {
    id: 'jku',
    category: 'attack',
    title: "signed by an attacker's key published at a jku URL",
    expect: 'invalid_token',
    unknownKid: true,
    authorization: (ctx) => hostile(ctx, { jku: ctx.attacker.jwksUri }, {}, ctx.attacker),
  },
  {
    id: 'x5u',
    category: 'attack',
    title: "signed by an attacker's key at an x5u URL",
    expect: 'invalid_token',
    unknownKid: true,
    authorization: (ctx) => hostile(ctx, { x5u: ctx.attacker.jwksUri }, {}, ctx.attacker),
  },
  {
    id: 'other-issuer-key',
    category: 'attack',
    title: "the trusted iss, signed by another issuer's key (its kid)",
    expect: 'invalid_token',
    unknownKid: true,
    authorization: (ctx) => hostile(ctx, {}, {}, ctx.attacker),
  },
  {
    id: 'other-key-trusted-kid',
    category: 'attack',
    title: "the trusted iss and kid, signed by another issuer's key",
    expect: 'invalid_token',
    authorization: (ctx) => hostile(ctx, { kid: keyOf(ctx.issuer).kid }, {}, ctx.attacker),
  },
  {
    id: 'tampered-payload',
    category: 'attack',
    title: 'a valid token whose payload was changed (same signature)',
    expect: 'invalid_token',
    authorization: async (ctx) => {
      const [header, , signature] = (await ctx.valid()).split('.');
      return [
        `Bearer ${header}.${b64({ ...(await ctx.validClaims()), sub: 'admin' })}.${signature}`,
      ];
    },
  },
  {
    id: 'signature-stripped',
    category: 'attack',
    title: 'a valid token with its signature removed',
    expect: 'invalid_token',
    authorization: async (ctx) => [
      `Bearer ${(await ctx.valid()).split('.').slice(0, 2).join('.')}.`,
    ],
  },
  {
    id: 'crit',
    category: 'attack',
    title: 'a crit header parameter nobody understands (RFC 7515 §4.1.11)',
    expect: 'invalid_token',
    authorization: (ctx) =>
      hostile(ctx, { crit: ['urn:example:unknown'], 'urn:example:unknown': 1 }),
  },
  {
    id: 'b64-false',
    category: 'attack',
    title: 'b64: false (RFC 7797), which changes what the signature covers',
    expect: 'invalid_token',
    authorization: (ctx) => hostile(ctx, { b64: false, crit: ['b64'] }),
  },
  {
    id: 'typ-confusion',
    category: 'attack',
    title: 'another kind of JWT of the issuer (typ secevent+jwt) for this audience',
    expect: 'invalid_token',
    authorization: (ctx) => hostile(ctx, { typ: 'secevent+jwt' }),
  },
  {
    id: 'id-token',
    category: 'attack',
    title: 'an OpenID Connect ID token (typ JWT, nonce) whose aud is this API',
    expect: 'invalid_token',
    authorization: (ctx) =>
      hostile(ctx, { typ: 'JWT' }, { nonce: 'n-0S6_WzA2Mj', azp: 'test-client' }),
  },
  {
    id: 'refresh-token',
    category: 'attack',
    title: 'a JWT refresh token (Keycloak-style typ "Refresh") for this audience',
    expect: 'invalid_token',
    authorization: (ctx) => hostile(ctx, { typ: 'JWT' }, { typ: 'Refresh' }),
  },
  {
    id: 'expired',
    category: 'attack',
    title: 'expired two minutes ago',
    expect: 'invalid_token',
    authorization: (ctx) => bearer(ctx.valid({}, -120)),
  },
  {
    id: 'not-yet-valid',
    category: 'attack',
    title: 'nbf ten minutes ahead',
    expect: 'invalid_token',
    authorization: async (ctx) => hostile(ctx, {}, { nbf: Math.floor(Date.now() / 1000) + 600 }),
  },
  {
    id: 'no-exp',
    category: 'attack',
    title: 'no exp claim: a token that never expires',
    expect: 'invalid_token',
    authorization: (ctx) => hostile(ctx, {}, { exp: undefined }),
  },
  {
    id: 'wrong-audience',
    category: 'attack',
    title: 'aud of another API',
    expect: 'invalid_token',
    authorization: (ctx) => hostile(ctx, {}, { aud: 'https://another-api.invalid' }),
  },
  {
    id: 'wrong-issuer',
    category: 'attack',
    title: 'iss of another issuer, signed by the trusted key',
    expect: 'invalid_token',
    authorization: (ctx) => hostile(ctx, {}, { iss: 'https://another-issuer.invalid' }),
  },
  {
    id: 'jwe',
    category: 'attack',
    title: 'a five-part JWE instead of a JWS',
    expect: 'invalid_token',
    authorization: async () => [`Bearer ${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`],
  },
  {
    id: 'oversized',
    category: 'attack',
    title: 'a validly signed token of about 12 KB, over the usual 8 KiB limit',
    expect: 'invalid_token',
    authorization: (ctx) => bearer(ctx.valid({ padding: 'x'.repeat(9 * 1024) })),
  },
];
