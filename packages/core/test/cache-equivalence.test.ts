import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AuthContext } from '../src/types.js';
import type { Verifier } from '../src/verifier.js';
import { createVerifier } from '../src/verify.js';

// The verified-token cache must be invisible: for any options, token, header spelling, instant
// and key set, a verifier with the cache answers exactly as one without it. Both verifiers share
// one key store (same issuer and settings), so they see the same keys at the same instant; only
// the cache differs. The JWKS is served by a real HTTP server whose document each step may change.

const T0 = Date.UTC(2026, 0, 1);
const KIDS = ['a', 'b'] as const;
type Kid = (typeof KIDS)[number];

interface Key {
  privateKey: CryptoKey;
  jwk: JWK;
}
const keys = {} as Record<Kid, Key>;
let published: JWK[] = [];
let server: Server;
let jwksUri: string;

beforeAll(async () => {
  for (const kid of KIDS) {
    const pair = await generateKeyPair('ES256');
    keys[kid] = { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)) } };
  }
  server = createServer((_, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));
afterEach(() => {
  vi.useRealTimers();
});

/** How the JWKS may change between two requests. */
const keySets = {
  both: () => KIDS.map((kid) => ({ ...keys[kid].jwk, kid, alg: 'ES256' })),
  onlyB: () => [{ ...keys.b.jwk, kid: 'b', alg: 'ES256' }],
  renamed: () => [
    { ...keys.a.jwk, kid: 'a-renamed', alg: 'ES256' },
    { ...keys.b.jwk, kid: 'b' },
  ],
  duplicateKid: () => [
    { ...keys.a.jwk, kid: 'a' },
    { ...keys.b.jwk, kid: 'a' },
    { ...keys.b.jwk, kid: 'b' },
  ],
  noAlg: () => KIDS.map((kid) => ({ ...keys[kid].jwk, kid })),
  forEncryption: () => KIDS.map((kid) => ({ ...keys[kid].jwk, kid, use: 'enc' })),
  empty: () => [],
} satisfies Record<string, () => JWK[]>;

const spellings = [
  (t: string) => `Bearer ${t}`,
  (t: string) => `bearer ${t}`,
  (t: string) => `BEARER    ${t}  `,
  (t: string) => t,
  (t: string) => `Basic ${t}`,
  (t: string) => `Bearer\t${t}`,
  (t: string) => [`Bearer ${t}`, ''],
  (t: string) => [`Bearer ${t}`, `Bearer ${t}`],
];

const scenario = fc.record({
  options: fc.record({
    clockTolerance: fc.constantFrom(0, 5),
    maxTokenAge: fc.constantFrom(undefined, 20, 90),
    denyList: fc.boolean(),
    typ: fc.constantFrom('lenient' as const, 'strict' as const),
  }),
  token: fc.record({
    kid: fc.constantFrom<Kid | undefined>('a', 'b', undefined),
    iat: fc.integer({ min: -60, max: 10 }),
    exp: fc.integer({ min: 1, max: 200 }),
    nbf: fc.option(fc.integer({ min: -30, max: 10 }), { nil: undefined }),
    typ: fc.constantFrom('at+jwt', 'JWT'),
    cnf: fc.boolean(),
  }),
  steps: fc.array(
    fc.record({
      advance: fc.integer({ min: 0, max: 120 }),
      keySet: fc.option(fc.constantFrom(...(Object.keys(keySets) as (keyof typeof keySets)[])), {
        nil: undefined,
      }),
      revoke: fc.boolean(),
      spelling: fc.integer({ min: 0, max: spellings.length - 1 }),
      via: fc.constantFrom('verify' as const, 'authenticate' as const),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});

type Answer =
  | { ok: true; subject: unknown; jti: unknown }
  | { ok: false; code: string; reason: string };

const answer = (settled: PromiseSettledResult<AuthContext>): Answer =>
  settled.status === 'fulfilled'
    ? { ok: true, subject: settled.value.subject, jti: settled.value.claims.jti }
    : {
        ok: false,
        code: (settled.reason as { code: string }).code,
        reason: (settled.reason as { reason: string }).reason,
      };

let run = 0;

describe('verified-token cache: a hit answers as a fresh verification would', () => {
  it('for any options, token, header spelling, instant and key set (fast-check)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    await fc.assert(
      fc.asyncProperty(scenario, async ({ options, token, steps }) => {
        vi.setSystemTime(T0);
        published = keySets.both();
        const revoked = new Set<string>();
        const issuer = `https://issuer.example/run-${run++}`;
        const jti = `jti-${run}`;
        const make = (cache: boolean): Verifier =>
          createVerifier({
            issuer,
            audience: 'https://api.example',
            jwksUri,
            algorithms: ['ES256'],
            clockTolerance: options.clockTolerance,
            ...(options.maxTokenAge === undefined ? {} : { maxTokenAge: options.maxTokenAge }),
            typ: options.typ,
            ...(options.denyList
              ? { claims: { jti: (value: unknown) => !revoked.has(value as string) } }
              : {}),
            keyFetch: { maxAge: 60, cooldown: 0 },
            ...(cache ? {} : { cache: false as const }),
          });
        const cached = make(true);
        const fresh = make(false);

        const now = Math.floor(T0 / 1000);
        const jwt = await new SignJWT({
          sub: 'alice',
          jti,
          ...(token.nbf === undefined ? {} : { nbf: now + token.nbf }),
          ...(token.cnf ? { cnf: { jkt: 'x' } } : {}),
        })
          .setProtectedHeader({
            alg: 'ES256',
            typ: token.typ,
            ...(token.kid === undefined ? {} : { kid: token.kid }),
          })
          .setIssuer(issuer)
          .setAudience('https://api.example')
          .setIssuedAt(now + token.iat)
          .setExpirationTime(now + token.exp)
          .sign(keys[token.kid ?? 'a'].privateKey);

        // Seen twice, so the cache admits it when it is valid now.
        await Promise.allSettled([cached.verify(jwt), cached.verify(jwt)]);

        for (const step of steps) {
          vi.setSystemTime(Date.now() + step.advance * 1000);
          if (step.keySet !== undefined) published = keySets[step.keySet]();
          if (step.revoke) revoked.add(jti);
          const input = spellings[step.spelling]!(jwt);
          const call = (verifier: Verifier) =>
            step.via === 'verify' && typeof input === 'string'
              ? verifier.verify(input)
              : verifier.authenticate(input);
          // Called in the same tick: both see the key store in the same state.
          const [withCache, without] = await Promise.allSettled([call(cached), call(fresh)]);
          expect(answer(withCache)).toEqual(answer(without));
          // A refresh the pair started ends before the next step, as it would between requests.
          await Promise.allSettled([fresh.verify(jwt)]);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 150), seed: 20261201, endOnFailure: true },
    );
  }, 60_000);
});
