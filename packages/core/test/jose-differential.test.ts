import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../src/verify.js';
import { b64 } from './attacks/support.js';

/**
 * Gatehouse verifies signatures with node:crypto directly (see internal/signature.ts); jose is
 * the reference. The same valid and hostile tokens go to both, and every accept/reject decision
 * must agree.
 */
let issuer: TestIssuer;
let stranger: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer({
    algorithms: ['RS256', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA', 'RS512'],
  });
  stranger = await createTestIssuer({ algorithms: ['RS256', 'ES256'] });
});
afterAll(async () => {
  await issuer.close();
  await stranger.close();
});

const ALGS = ['RS256', 'RS512', 'PS256', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;

function mutate(token: string, part: 0 | 1 | 2, seed: number): string {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[part]!, 'base64url');
  if (bytes.length === 0) return token;
  bytes[seed % bytes.length]! ^= 1 << (seed % 8);
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

async function corpus(): Promise<[string, string][]> {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: issuer.url, aud: issuer.audience, sub: 'x', iat: now, exp: now + 600 };
  const rsaKid = issuer.keys.find((k) => k.alg === 'RS256')!.kid;
  const ecKid = issuer.keys.find((k) => k.alg === 'ES256')!.kid;
  const rsaPem = JSON.stringify(issuer.keys.find((k) => k.alg === 'RS256')!.publicJwk);
  const tokens: [string, string][] = [];
  for (const alg of ALGS) {
    const valid = await issuer.mint({}, { alg });
    tokens.push([`${alg} valid`, valid]);
    for (let seed = 1; seed <= 6; seed++) {
      tokens.push([`${alg} signature bit flip ${seed}`, mutate(valid, 2, seed * 7)]);
      tokens.push([`${alg} payload bit flip ${seed}`, mutate(valid, 1, seed * 13)]);
      tokens.push([`${alg} header bit flip ${seed}`, mutate(valid, 0, seed * 5)]);
    }
    const [h, p, s] = valid.split('.') as [string, string, string];
    tokens.push([`${alg} stripped signature`, `${h}.${p}.`]);
    tokens.push([`${alg} truncated signature`, `${h}.${p}.${s.slice(0, s.length - 2)}`]);
    tokens.push([`${alg} doubled signature`, `${h}.${p}.${s}${s}`]);
    tokens.push([`${alg} expired`, await issuer.mint({ exp: now - 60 }, { alg })]);
    tokens.push([`${alg} not yet valid`, await issuer.mint({ nbf: now + 60 }, { alg })]);
    tokens.push([
      `${alg} wrong audience`,
      await issuer.mint({ aud: 'https://other.example' }, { alg }),
    ]);
    tokens.push([
      `${alg} audience array`,
      await issuer.mint({ aud: ['x', issuer.audience] }, { alg }),
    ]);
    tokens.push([
      `${alg} wrong issuer`,
      await issuer.mint({ iss: 'https://evil.example' }, { alg }),
    ]);
  }
  tokens.push([
    'signed by a stranger with our kid',
    await stranger.sign({ alg: 'RS256', kid: rsaKid }, claims),
  ]);
  tokens.push([
    'ES256 header on RSA key',
    `${b64({ alg: 'ES256', kid: rsaKid })}.${(await issuer.mint({}, { alg: 'RS256' })).split('.').slice(1).join('.')}`,
  ]);
  tokens.push([
    'RS256 header on EC key',
    `${b64({ alg: 'RS256', kid: ecKid })}.${(await issuer.mint({}, { alg: 'ES256' })).split('.').slice(1).join('.')}`,
  ]);
  tokens.push(['alg none', `${b64({ alg: 'none' })}.${b64(claims)}.`]);
  tokens.push([
    'alg None with signature',
    `${b64({ alg: 'None', kid: rsaKid })}.${b64(claims)}.AAAA`,
  ]);
  tokens.push([
    'lowercase alg',
    `${b64({ alg: 'rs256', kid: rsaKid })}.${(await issuer.mint()).split('.').slice(1).join('.')}`,
  ]);
  tokens.push([
    'HS256 with public key',
    await issuer.sign({ alg: 'HS256', kid: rsaKid }, claims, { secret: rsaPem }),
  ]);
  tokens.push([
    'ECDSA zero signature',
    `${b64({ alg: 'ES256', kid: ecKid })}.${b64(claims)}.${Buffer.alloc(64).toString('base64url')}`,
  ]);
  tokens.push([
    'crit',
    await issuer.sign({ alg: 'RS256', kid: rsaKid, crit: ['foo'], foo: 1 }, claims),
  ]);
  tokens.push([
    'b64 false',
    await issuer.sign({ alg: 'RS256', kid: rsaKid, b64: false, crit: ['b64'] }, claims),
  ]);
  tokens.push([
    'unknown kid',
    await issuer.sign({ alg: 'RS256', kid: 'nope' }, claims, { kid: rsaKid }),
  ]);
  tokens.push(['JWE shape', 'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d']);
  tokens.push(['garbage', 'garbage']);
  tokens.push(['padded segment', `${(await issuer.mint()).replace('.', '=.')}`]);
  tokens.push(['exp as string', await issuer.mint({ exp: String(now + 600) })]);
  tokens.push(['payload array', `${b64({ alg: 'RS256', kid: rsaKid })}.${b64([claims])}.AAAA`]);
  return tokens;
}

describe('differential: Gatehouse and jose decide alike', () => {
  it('agrees on every valid and hostile token', async () => {
    const verifier = createVerifier({
      issuer: issuer.url,
      audience: issuer.audience,
      cache: false,
    });
    const keySet = createLocalJWKSet({ keys: issuer.keys.map((k) => k.publicJwk) });
    const tokens = await corpus();
    const disagreements: string[] = [];
    let accepted = 0;
    for (const [name, token] of tokens) {
      const ours = await verifier.verify(token).then(
        () => true,
        () => false,
      );
      const reference = await jwtVerify(token, keySet, {
        issuer: issuer.url,
        audience: issuer.audience,
        algorithms: [...ALGS],
        clockTolerance: 5,
        requiredClaims: ['exp'],
      }).then(
        () => true,
        () => false,
      );
      if (ours !== reference) disagreements.push(`${name}: gatehouse ${ours}, jose ${reference}`);
      if (ours) accepted++;
    }
    expect(disagreements).toEqual([]);
    // The corpus must exercise both outcomes, or agreement proves nothing.
    expect(accepted).toBeGreaterThanOrEqual(ALGS.length * 2);
    expect(tokens.length - accepted).toBeGreaterThan(150);
  });
});
