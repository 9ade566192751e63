import type { TestIssuer } from '@gatehouse/testing';
import { expect } from 'vitest';
import type { Verifier } from '../../src/types.js';

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

export async function expectRefused(verifier: Verifier, token: string, reason: string) {
  await expect(verifier.verify(token)).rejects.toMatchObject({
    code: 'invalid_token',
    status: 401,
    reason,
  });
}
