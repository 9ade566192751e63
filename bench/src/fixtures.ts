import type { JWK } from 'jose';

/** The part of `@gatehouse/testing`'s issuer the bench relies on. */
export interface BenchIssuer {
  readonly url: string;
  readonly jwksUri: string;
  readonly audience: string;
  readonly keys: readonly { kid: string; alg: string; publicJwk: JWK }[];
  mint(
    claims?: Record<string, unknown>,
    options?: { alg?: string; kid?: string; expiresIn?: number },
  ): Promise<string>;
  addKey(alg: string): Promise<unknown>;
  close(): Promise<void>;
}

/** Signature algorithms the verify section covers. */
export type BenchAlg = 'RS256' | 'ES256';

/** Tokens outlive the whole run (< 15 min) with room to spare. */
const TOKEN_TTL_SECONDS = 3600;

/** Starts an in-process issuer (JWKS + discovery on 127.0.0.1) with one key per algorithm. */
export async function startIssuer(
  algorithms: BenchAlg[] = ['RS256', 'ES256'],
): Promise<BenchIssuer> {
  const { createTestIssuer } = await import('@gatehouse/testing');
  return (await createTestIssuer({ algorithms })) as BenchIssuer;
}

/** The issuer's key for `alg` (throws if it has none). */
export function keyFor(issuer: BenchIssuer, alg: string): { kid: string; publicJwk: JWK } {
  const key = issuer.keys.find((k) => k.alg === alg);
  if (!key) throw new Error(`test issuer has no ${alg} key`);
  return key;
}

/**
 * Mints `count` distinct access tokens signed with the issuer's `alg` key. Minting runs
 * `concurrency` at a time so WebCrypto's thread pool signs on every core.
 */
export async function mintPool(
  issuer: BenchIssuer,
  alg: string,
  count: number,
  options: { kid?: string; concurrency?: number; claims?: Record<string, unknown> } = {},
): Promise<string[]> {
  const kid = options.kid ?? keyFor(issuer, alg).kid;
  const concurrency = options.concurrency ?? 64;
  const tokens: string[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      tokens[index] = await issuer.mint(
        { ...options.claims, sub: `user-${index}` },
        { alg, kid, expiresIn: TOKEN_TTL_SECONDS },
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (new Set(tokens).size !== count) throw new Error('minted tokens are not distinct');
  return tokens;
}

/** The same token with one signature character changed (a forged signature). */
export function tamper(token: string): string {
  const at = token.lastIndexOf('.') + 10;
  const swapped = token[at] === 'A' ? 'B' : 'A';
  return token.slice(0, at) + swapped + token.slice(at + 1);
}

/** Tokens every verifying contender must reject before it is measured. */
export async function hostileTokens(
  issuer: BenchIssuer,
  alg: string,
  valid: string,
): Promise<{ name: string; token: string; claimCheck: boolean }[]> {
  const kid = keyFor(issuer, alg).kid;
  return [
    { name: 'forged signature', token: tamper(valid), claimCheck: false },
    {
      name: 'wrong audience',
      token: await issuer.mint({ aud: 'https://other-api.example.test' }, { alg, kid }),
      claimCheck: true,
    },
    {
      name: 'wrong issuer',
      token: await issuer.mint({ iss: 'https://other-issuer.example.test' }, { alg, kid }),
      claimCheck: true,
    },
  ];
}
