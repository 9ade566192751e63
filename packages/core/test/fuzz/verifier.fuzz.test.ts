import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isGatehouseError } from '../../src/errors.js';
import type { Verifier } from '../../src/verifier.js';
import { createVerifier } from '../../src/verify.js';
import { B64URL, b64, base64urlText, byteString, fuzzParameters } from './settings.js';

// Core-level fuzzing (issue 10 §4). Whatever the input: `authenticate`/`verify` never throw
// out of the core, settle with a GatehouseError of status 400/401/403/503 unless the input is
// the genuine token, never accept a token changed without the issuer's key, and keep memory
// flat. See README.md here for turning a failing seed into a regression test.

let issuer: TestIssuer;
let verifier: Verifier;
let genuine: Record<'RS256' | 'ES256', string>;
const REFUSAL_STATUSES = new Set([400, 401, 403, 503]);

beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['RS256', 'ES256'] });
  verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
  genuine = {
    RS256: await issuer.mint({ scope: 'a b' }, { alg: 'RS256' }),
    ES256: await issuer.mint({ scope: 'a b' }, { alg: 'ES256' }),
  };
  // Warm: keys fetched, both tokens cached (admitted on second sight, hit on the third).
  for (const token of Object.values(genuine)) {
    for (let i = 0; i < 3; i++) await verifier.verify(token);
  }
});
afterAll(() => issuer?.close());

/** Calls `run` and demands a refusal: a rejected promise of a GatehouseError, no sync throw. */
async function expectRefusal(run: () => Promise<unknown>): Promise<void> {
  let pending: Promise<unknown>;
  try {
    pending = run();
  } catch (thrown) {
    throw new Error(`threw synchronously out of the core: ${String(thrown)}`);
  }
  const outcome = await pending.then(
    () => 'accepted',
    (error: unknown) => error,
  );
  if (outcome === 'accepted') throw new Error('accepted');
  if (!isGatehouseError(outcome))
    throw new Error(`rejected with a foreign error: ${String(outcome)}`);
  if (!REFUSAL_STATUSES.has(outcome.status)) throw new Error(`status ${outcome.status}`);
}

const segmentsOf = (token: string) => token.split('.') as [string, string, string];
const genuineToken = fc
  .constantFrom<'RS256' | 'ES256'>('RS256', 'ES256')
  .map((alg) => genuine[alg]);

/** Mutations of a genuine token that need no key: each must be refused. */
const mutated = fc.oneof(
  // One character replaced by any byte value.
  fc.tuple(genuineToken, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([token, at, byte]) => {
    const i = at % token.length;
    const char = String.fromCharCode(byte === token.charCodeAt(i) ? (byte + 1) % 256 : byte);
    return token.slice(0, i) + char + token.slice(i + 1);
  }),
  // One character replaced by another base64url character (stays well-formed more often).
  fc.tuple(genuineToken, fc.nat(), fc.nat()).map(([token, at, pick]) => {
    const i = at % token.length;
    const alphabet = B64URL.replace(token[i] ?? '', '');
    return token.slice(0, i) + alphabet[pick % alphabet.length] + token.slice(i + 1);
  }),
  // Segments swapped, repeated, dropped or added.
  fc
    .tuple(genuineToken, fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 5 }))
    .filter(([token, order]) => order.join() !== '0,1,2' || token === '')
    .map(([token, order]) => order.map((i) => segmentsOf(token)[i]).join('.')),
  // Non-canonical base64url: the last character of a segment with the same decoded bytes.
  fc
    .tuple(genuineToken, fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 15 }))
    .map(([token, which, delta]) => {
      const parts = segmentsOf(token);
      const segment = parts[which]!;
      const last = B64URL.indexOf(segment.at(-1)!);
      // Bits of the last character that encode nothing: 4 when length % 4 is 2, 2 when it is 3.
      const unused = [0, 0, 4, 2][segment.length % 4]!;
      const variant = B64URL[(last & ~((1 << unused) - 1)) | (delta % (1 << unused))];
      parts[which] = segment.slice(0, -1) + (variant === segment.at(-1) ? '' : variant);
      return parts.join('.');
    }),
  // The payload re-encoded with a claim of another type, a duplicate member, or any JSON.
  fc
    .tuple(
      genuineToken,
      fc.constantFrom('iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'scope', 'client_id'),
      fc.jsonValue(),
    )
    .map(([token, claim, value]) => {
      const [header, payload, signature] = segmentsOf(token);
      const json = Buffer.from(payload, 'base64url').toString('utf8');
      const duplicated = `${json.slice(0, -1)},${JSON.stringify(claim)}:${JSON.stringify(value)}}`;
      return `${header}.${b64(duplicated)}.${signature}`;
    }),
);

describe('fuzzing the core', () => {
  it('random Authorization values (any byte, up to 16 KiB) are refused, never thrown', async () => {
    const header = fc.oneof(
      byteString(64),
      byteString(16 * 1024, 8 * 1024),
      byteString(256).map((rest) => `Bearer ${rest}`),
      fc
        .tuple(fc.constantFrom('bearer', 'BEARER', 'Bearer', 'DPoP', 'Basic'), byteString(64))
        .map(([scheme, rest]) => `${scheme} ${rest}`),
    );
    await fc.assert(
      fc.asyncProperty(header, (value) => expectRefusal(() => verifier.authenticate(value))),
      fuzzParameters(400),
    );
  }, 30_000);

  it('JWT-shaped strings (random header and payload JSON, random signature) are refused', async () => {
    const jwtShaped = fc
      .tuple(
        fc.oneof(
          fc.record(
            {
              alg: fc.constantFrom('RS256', 'ES256', 'none', 'HS256', 'PS256'),
              kid: fc.string(),
              typ: fc.string(),
            },
            { requiredKeys: [] },
          ),
          fc.jsonValue(),
        ),
        fc.oneof(fc.jsonValue(), fc.object()),
        base64urlText(400),
      )
      .map(([header, payload, signature]) => `${b64(header)}.${b64(payload)}.${signature}`);
    await fc.assert(
      fc.asyncProperty(jwtShaped, async (token) => {
        await expectRefusal(() => verifier.verify(token));
        await expectRefusal(() => verifier.authenticate(`Bearer ${token}`));
      }),
      fuzzParameters(300),
    );
  }, 30_000);

  it('mutations of a genuine, cached token (any byte, segments, non-canonical base64url, claim types, duplicate members) are refused', async () => {
    await fc.assert(
      fc.asyncProperty(mutated, async (token) => {
        // A duplicate member equal to the original value leaves the token as signed: skip it.
        fc.pre(!Object.values(genuine).includes(token));
        await expectRefusal(() => verifier.verify(token));
        await expectRefusal(() => verifier.authenticate(`Bearer ${token}`));
      }),
      fuzzParameters(600),
    );
    // The genuine tokens are still accepted: the refusals did not poison the cache.
    for (const token of Object.values(genuine))
      await expect(verifier.verify(token)).resolves.toBeDefined();
  }, 45_000);

  it('tokens re-signed by the issuer with a registered claim of the wrong type are refused', async () => {
    const notString = fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.object(),
      fc.array(fc.integer(), { minLength: 1 }),
    );
    const notNumber = fc.oneof(
      fc.string(),
      fc.boolean(),
      fc.constant(null),
      fc.object(),
      fc.array(fc.nat(), { minLength: 1 }),
    );
    const wrong = fc.oneof(
      fc.record({ claim: fc.constantFrom('iss', 'sub'), value: notString }),
      fc.record({
        claim: fc.constant('aud'),
        value: fc.oneof(
          notString.filter((v) => !Array.isArray(v)),
          fc.array(notString, { minLength: 1 }),
        ),
      }),
      fc.record({ claim: fc.constantFrom('exp', 'nbf', 'iat'), value: notNumber }),
    );
    const claims = JSON.parse(
      Buffer.from(segmentsOf(genuine.RS256)[1], 'base64url').toString('utf8'),
    );
    const kid = issuer.keys.find((key) => key.alg === 'RS256')!.kid;
    await fc.assert(
      fc.asyncProperty(wrong, async ({ claim, value }) => {
        const token = await issuer.sign(
          { alg: 'RS256', typ: 'at+jwt', kid },
          { ...claims, [claim]: value },
        );
        await expectRefusal(() => verifier.verify(token));
      }),
      fuzzParameters(150),
    );
  }, 30_000);

  it('memory stays flat under 20,000 distinct hostile tokens', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const hostile = (i: number) =>
      `${b64({ alg: 'RS256', kid: `k${i}`, typ: 'at+jwt' })}.${b64({ iss: issuer.url, n: i })}.${b64(String(i))}`;
    const batch = async (from: number) => {
      for (let i = from; i < from + 10_000; i++) await verifier.verify(hostile(i)).catch(() => {});
    };
    await batch(0); // fills every bounded structure once
    gc();
    const before = process.memoryUsage().heapUsed;
    await batch(10_000);
    gc();
    const grown = process.memoryUsage().heapUsed - before;
    // Bounded caches: a second batch of as many new inputs adds (almost) nothing.
    expect(grown).toBeLessThan(8 * 1024 * 1024);
  }, 45_000);
});
