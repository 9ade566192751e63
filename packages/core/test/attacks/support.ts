import { webcrypto } from 'node:crypto';
import type { SigningKey, TestIssuer } from '@gatehouse/testing';
import { expect } from 'vitest';
import type { VerifierOptions } from '../../src/options.js';
import type { Verifier } from '../../src/verifier.js';
import { createVerifier } from '../../src/verify.js';

/** Claims of a token that would be accepted, but for what the attack changes. */
export const validClaims = (issuer: TestIssuer) => ({
  iss: issuer.url,
  aud: issuer.audience,
  sub: 'mallory',
  scope: 'accounts:read transfers:write',
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 600,
});

export const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The three segments of a compact JWS. */
export const segments = (token: string) => token.split('.') as [string, string, string];

/**
 * `header.payload.signature` where the signature is an RSASSA-PKCS1-v1_5 SHA-256 signature by
 * `key` (an RSA key of the test issuer) over exactly that signing input, whatever the header
 * says: a genuine signature under a header that lies.
 */
export async function signRs256(key: SigningKey, header: object, payload: object): Promise<string> {
  const input = `${b64(header)}.${b64(payload)}`;
  const signature = await webcrypto.subtle.sign(
    'RSASSA-PKCS1-v1_5',
    key.privateKey as webcrypto.CryptoKey,
    new TextEncoder().encode(input),
  );
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

/**
 * A verifier of `issuer` whose caches are warm, as in production: keys fetched, and `genuine`
 * (default: a freshly minted token) verified three times — the second admits it to the
 * verified-token cache, the third is a hit. Attacks must fail on this verifier too, not only on
 * a fresh one or with the cache off.
 */
export async function warmVerifier(
  issuer: TestIssuer,
  genuine?: string,
  options: Partial<VerifierOptions> = {},
): Promise<Verifier> {
  const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience, ...options });
  const token = genuine ?? (await issuer.mint());
  for (let i = 0; i < 3; i++) await expect(verifier.verify(token)).resolves.toBeDefined();
  return verifier;
}

const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * `token` is refused with `reason`, three times over (a refusal is never cached into an
 * acceptance), through `verify` and, when it fits a header, `authenticate` with a Bearer header.
 *
 * `unknown_kid` is 401 `invalid_token` right after the refetch it caused, and 503
 * `temporarily_unavailable` (same reason, "retry later") within that refetch's cooldown: the
 * issuer may publish the key meanwhile. Either is a refusal; the reason is pinned regardless.
 */
export async function expectRefused(verifier: Verifier, token: string, reason: string) {
  const refused =
    reason === 'unknown_kid'
      ? expect.objectContaining({
          reason,
          code: expect.stringMatching(/^(invalid_token|temporarily_unavailable)$/),
        })
      : expect.objectContaining({ code: 'invalid_token', status: 401, reason });
  for (let i = 0; i < 3; i++) {
    await expect(verifier.verify(token)).rejects.toEqual(refused);
    // A header can only carry an RFC 6750 b64token; anything else is a malformed request there.
    if (B64TOKEN.test(token)) {
      await expect(verifier.authenticate(`Bearer ${token}`)).rejects.toEqual(refused);
    }
  }
}
