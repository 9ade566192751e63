import { createPublicKey, type VerifyKeyObjectInput, verify } from 'node:crypto';
import type { JWK } from 'jose';

/**
 * The floor: the least work any verifier must do for one token — one node:crypto `verify` with a
 * KeyObject made once, here, and `JSON.parse` of the payload. No header, algorithm, key-selection
 * or claim checks, no cache. Returns the claims, or `undefined` when the signature fails.
 * Shared by the in-process floor and the HTTP "+floor" servers, so both measure the same code.
 */
export function floorCheck(
  jwk: JWK,
  alg: 'RS256' | 'ES256',
): (token: string) => Record<string, unknown> | undefined {
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  const input: VerifyKeyObjectInput | typeof key =
    alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key;
  return (token) => {
    const first = token.indexOf('.');
    const second = token.indexOf('.', first + 1);
    const signed = Buffer.from(token.slice(0, second));
    const signature = Buffer.from(token.slice(second + 1), 'base64url');
    if (!verify('sha256', signed, input, signature)) return undefined;
    return JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString());
  };
}

/**
 * The floor with its signature check on libuv's thread pool (node:crypto `verify` with a
 * callback), as a verifier that offloads signatures would do: the best case for verifying off
 * the main thread, to set against the synchronous floor.
 */
export function floorCheckOffloaded(
  jwk: JWK,
): (token: string) => Promise<Record<string, unknown> | undefined> {
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  return (token) =>
    new Promise((resolve, reject) => {
      const first = token.indexOf('.');
      const second = token.indexOf('.', first + 1);
      const signature = Buffer.from(token.slice(second + 1), 'base64url');
      verify('sha256', Buffer.from(token.slice(0, second)), key, signature, (error, valid) => {
        if (error) reject(error);
        else if (!valid) resolve(undefined);
        else
          resolve(JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString()));
      });
    });
}

/** Claims of a valid token, `undefined` for a refused one. */
export type FloorOutcome = Record<string, unknown> | undefined;

/** The JWKS's RS256 key (the key every HTTP token is signed with), fetched once. */
async function rs256Jwk(jwksUri: string): Promise<JWK> {
  const { keys } = (await (await fetch(jwksUri)).json()) as { keys: JWK[] };
  const jwk = keys.find((k) => k.alg === 'RS256');
  if (!jwk) throw new Error('the JWKS has no RS256 key');
  return jwk;
}

const bearer = (authorization: string | undefined) =>
  authorization?.startsWith('Bearer ') ? authorization.slice(7) : undefined;

/**
 * The HTTP floor's start-up: fetches the JWKS once and makes the floor check for its RS256 key.
 * Per request it then only splits the `Bearer` value.
 */
export async function floorForHttp(
  jwksUri: string,
): Promise<(authorization: string | undefined) => FloorOutcome> {
  const check = floorCheck(await rs256Jwk(jwksUri), 'RS256');
  return (authorization) => {
    const token = bearer(authorization);
    return token === undefined ? undefined : check(token);
  };
}

/** `floorForHttp` with the signature checked on libuv's thread pool (`floorCheckOffloaded`). */
export async function offloadedFloorForHttp(
  jwksUri: string,
): Promise<(authorization: string | undefined) => FloorOutcome | Promise<FloorOutcome>> {
  const check = floorCheckOffloaded(await rs256Jwk(jwksUri));
  return (authorization) => {
    const token = bearer(authorization);
    return token === undefined ? undefined : check(token);
  };
}
