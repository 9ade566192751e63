import { generateKeyPairSync } from 'node:crypto';
import { createVerifier, GatehouseConfigError } from '@gatehouse/core';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect, vi } from 'vitest';
import { caseIt } from './catalog.js';
import { claimsOf, expectRefusal, verifierOf } from './support.js';

// Catalog surfaces sdk-verifier.jwt and sdk-verifier.jwks (ids in catalog.ts).
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({ algorithms: ['ES256'] });
});
afterAll(() => issuer?.close());

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describe('catalog: sdk-verifier.jwt, sdk-verifier.jwks', () => {
  caseIt('rfc9068-valid-at-jwt-must-verify', async () => {
    const token = await issuer.mint({
      sub: 'user123',
      client_id: 'client456',
      jti: 'token-id-123',
    });
    const auth = await verifierOf(issuer).verify(token);
    expect(auth.claims).toMatchObject({ sub: 'user123', client_id: 'client456', iss: issuer.url });
  });

  caseIt('rfc9068-typ-must-be-at-jwt', async () => {
    const token = await issuer.mint({}, { typ: 'JWT' });
    // Deliberate deviation by default (docs/conformance.md); strict typing meets the case.
    await expect(verifierOf(issuer).verify(token)).resolves.toBeDefined();
    await expectRefusal(
      verifierOf(issuer, { typ: 'strict' }).verify(token),
      'invalid_token',
      'type_mismatch',
    );
  });

  caseIt('rfc9068-issuer-must-match', async () => {
    const token = await issuer.mint({ iss: 'https://wrong-issuer.com' });
    await expectRefusal(verifierOf(issuer).verify(token), 'invalid_token', 'issuer_mismatch');
  });

  caseIt('rfc9068-audience-must-match-resource', async () => {
    const token = await issuer.mint({ aud: 'https://wrong-audience.com' });
    await expectRefusal(verifierOf(issuer).verify(token), 'invalid_token', 'audience_mismatch');
  });

  caseIt('rfc9068-required-claims-must-be-enforced', async () => {
    const byDefault = verifierOf(issuer);
    const rfc9068 = verifierOf(issuer, { requiredClaims: ['sub', 'client_id', 'iat', 'jti'] });
    for (const claim of ['iss', 'exp', 'aud']) {
      const token = await issuer.mint({ [claim]: undefined });
      await expectRefusal(byDefault.verify(token), 'invalid_token', 'missing_claim');
    }
    for (const claim of ['sub', 'client_id', 'iat', 'jti']) {
      const token = await issuer.mint({ [claim]: undefined });
      // Deliberate deviation by default; `requiredClaims` meets the case.
      await expect(byDefault.verify(token)).resolves.toBeDefined();
      await expectRefusal(rfc9068.verify(token), 'invalid_token', 'missing_claim');
    }
  });

  caseIt('rfc9068-token-header-must-contain-kid', async () => {
    const token = await issuer.sign({ alg: 'ES256', typ: 'at+jwt' }, await claimsOf(issuer));
    // Deliberate deviation: one published ES256 key fits, so the token is accepted…
    await expect(verifierOf(issuer).verify(token)).resolves.toBeDefined();
    // …and refused once the choice is ambiguous.
    await issuer.addKey('ES256');
    try {
      await expectRefusal(
        verifierOf(issuer, { keyFetch: { cooldown: 0, maxAge: 1 } }).verify(token),
        'invalid_token',
        'ambiguous_key',
      );
    } finally {
      issuer.removeKey(issuer.keys.at(-1)!.kid);
    }
  });

  caseIt('rfc9068-iat-future-must-be-rejected-beyond-leeway', async () => {
    const token = await issuer.mint({ iat: now() + 600 });
    await expectRefusal(verifierOf(issuer).verify(token), 'invalid_token', 'issued_in_future');
  });

  caseIt('rfc9068-nbf-must-be-honored-when-present', async () => {
    const token = await issuer.mint({ nbf: now() + 300 });
    await expectRefusal(verifierOf(issuer).verify(token), 'invalid_token', 'not_yet_valid');
  });

  caseIt('rfc8725-allowed-jwt-algorithms-must-be-restricted', async () => {
    const claims = b64(await claimsOf(issuer));
    const none = `${b64({ alg: 'none', typ: 'at+jwt' })}.${claims}.c2ln`;
    await expectRefusal(verifierOf(issuer).verify(none), 'invalid_token', 'unsupported_algorithm');
    const hs = await issuer.sign({ alg: 'HS256', typ: 'at+jwt' }, await claimsOf(issuer), {
      secret: 'x'.repeat(32),
    });
    await expectRefusal(verifierOf(issuer).verify(hs), 'invalid_token', 'unsupported_algorithm');
    expect(() =>
      createVerifier({ issuer: issuer.url, audience: issuer.audience, algorithms: ['none'] }),
    ).toThrow(GatehouseConfigError);
    expect(() =>
      createVerifier({ issuer: issuer.url, audience: issuer.audience, algorithms: ['HS256'] }),
    ).toThrow(GatehouseConfigError);
  });

  caseIt('rfc8725-kid-must-resolve-through-jwks-with-single-refresh-on-miss', async () => {
    const rotating = await createTestIssuer({ algorithms: ['ES256'] });
    try {
      const verifier = verifierOf(rotating);
      await verifier.verify(await rotating.mint());
      const added = await rotating.rotateKeys();
      rotating.resetCounters();
      // key_appears_after_refresh: accept, after exactly one refetch.
      await expect(
        verifier.verify(await rotating.mint({}, { kid: added.kid })),
      ).resolves.toBeDefined();
      expect(rotating.requests.jwks).toBe(1);
      // key_still_missing: reject (fail closed) with no further refetch: within the refetch
      // cooldown as "retry later" (503, unknown_kid), after it as invalid_token.
      const missing = await rotating.sign(
        { alg: 'ES256', typ: 'at+jwt', kid: 'still-missing' },
        await claimsOf(rotating),
        { kid: added.kid },
      );
      await expectRefusal(verifier.verify(missing), 'temporarily_unavailable', 'unknown_kid');
      expect(rotating.requests.jwks).toBe(1);
      const afterCooldown = verifierOf(rotating, { keyFetch: { cooldown: 0 } });
      await expectRefusal(afterCooldown.verify(missing), 'invalid_token', 'unknown_kid');
    } finally {
      await rotating.close();
    }
  });

  caseIt('rfc8725-jwk-selection-must-honor-use-key-ops-and-alg', async () => {
    const es = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      format: 'jwk',
    });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({
      format: 'jwk',
    });
    const keys = [
      { ...es, kid: 'k1', use: 'enc', alg: 'ES256' },
      { ...es, kid: 'k1', key_ops: ['sign'], alg: 'ES256' },
      { ...rsa, kid: 'k1', use: 'sig', key_ops: ['verify'], alg: 'RS256' },
      {
        ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }),
        kid: 'usable',
      },
    ];
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      keys: { keys },
    } as never);
    const token = `${b64({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' })}.${b64(await claimsOf(issuer))}.${Buffer.alloc(64, 1).toString('base64url')}`;
    await expectRefusal(verifier.verify(token), 'invalid_token', 'unknown_kid');
  });

  caseIt('rfc8707-verifier-must-accept-resource-when-present-in-aud-array', async () => {
    const token = await issuer.mint({ aud: ['https://other.example.com', issuer.audience] });
    await expect(verifierOf(issuer).verify(token)).resolves.toBeDefined();
  });

  caseIt('rfc9068-token-header-must-contain-alg', async () => {
    const token = `${b64({ typ: 'at+jwt', kid: issuer.keys[0]!.kid })}.${b64(await claimsOf(issuer))}.c2ln`;
    await expectRefusal(verifierOf(issuer).verify(token), 'invalid_token', 'malformed_token');
  });

  caseIt('rfc9068-signature-failure-must-reject-token', async () => {
    const [header, payload] = (await issuer.mint()).split('.');
    const other = (await issuer.mint()).split('.')[2];
    await expectRefusal(
      verifierOf(issuer).verify(`${header}.${payload}.${other}`),
      'invalid_token',
      'bad_signature',
    );
  });

  caseIt('rfc9068-expiration-and-clock-skew-must-be-enforced', async () => {
    const verifier = verifierOf(issuer, { clockTolerance: 30, cache: false });
    const at = now();
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(at * 1000);
      const exp = (delta: number) => issuer.mint({ exp: at + delta, iat: at - 600 });
      const nbf = (delta: number) => issuer.mint({ nbf: at + delta });
      await expectRefusal(verifier.verify(await exp(-60)), 'invalid_token', 'expired');
      await expect(verifier.verify(await exp(-10))).resolves.toBeDefined();
      await expectRefusal(verifier.verify(await nbf(60)), 'invalid_token', 'not_yet_valid');
      await expect(verifier.verify(await nbf(10))).resolves.toBeDefined();
    } finally {
      vi.useRealTimers();
    }
  });
});
