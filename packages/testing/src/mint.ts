import { randomUUID } from 'node:crypto';
import type { IdTokenOptions, MintOptions, SigningKey } from './types.js';

/** Default subject of minted tokens. */
export const DEFAULT_SUBJECT = 'user-123';
/** Default `client_id` of minted access tokens, and default client of ID tokens. */
export const DEFAULT_CLIENT_ID = 'test-client';

/** What the claim builders need to know about the issuer. */
export interface MintContext {
  issuer: string;
  audience: string;
  ttl: number;
}

/** A header and payload ready to be signed. */
export interface UnsignedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

// Read per call, not cached, so `vi.useFakeTimers()` / `vi.setSystemTime()` drive iat/exp.
function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Overlays `claims` on `defaults`; a claim given as `undefined` removes the default. */
function mergeClaims(
  defaults: Record<string, unknown>,
  claims: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...defaults, ...claims };
  for (const name of Object.keys(merged)) {
    if (merged[name] === undefined) delete merged[name];
  }
  return merged;
}

function buildHeader(
  key: SigningKey,
  defaultTyp: string,
  options: MintOptions,
): Record<string, unknown> {
  const header: Record<string, unknown> = { alg: key.alg, kid: key.kid };
  const typ = options.typ === undefined ? defaultTyp : options.typ;
  if (typ !== null) header.typ = typ;
  return { ...header, ...options.header };
}

function timeClaims(ctx: MintContext, options: MintOptions): Record<string, unknown> {
  const now = nowSeconds();
  const claims: Record<string, unknown> = { iat: now, exp: now + (options.expiresIn ?? ctx.ttl) };
  if (options.notBefore !== undefined) claims.nbf = now + options.notBefore;
  return claims;
}

/**
 * An RFC 9068 §2.2 access token: `iss`, `sub`, `aud`, `client_id`, `iat`, `exp`, `jti`,
 * header `typ: at+jwt` (§2.1).
 *
 * Does not: add `scope` unless given in `claims`.
 */
export function buildAccessToken(
  ctx: MintContext,
  key: SigningKey,
  claims: Record<string, unknown>,
  options: MintOptions,
): UnsignedJwt {
  const defaults = {
    iss: ctx.issuer,
    sub: DEFAULT_SUBJECT,
    aud: ctx.audience,
    client_id: DEFAULT_CLIENT_ID,
    ...timeClaims(ctx, options),
    jti: randomUUID(),
  };
  return { header: buildHeader(key, 'at+jwt', options), payload: mergeClaims(defaults, claims) };
}

/**
 * An OIDC Core §2 ID token: `iss`, `sub`, `aud` = `azp` = client id, `iat`, `exp`, `auth_time`,
 * optional `nonce`, header `typ: JWT`.
 *
 * Does not: add `at_hash`/`c_hash` (no authorization endpoint here).
 */
export function buildIdToken(
  ctx: MintContext,
  key: SigningKey,
  claims: Record<string, unknown>,
  options: IdTokenOptions,
): UnsignedJwt {
  const clientId = options.clientId ?? DEFAULT_CLIENT_ID;
  const time = timeClaims(ctx, options);
  const defaults: Record<string, unknown> = {
    iss: ctx.issuer,
    sub: DEFAULT_SUBJECT,
    aud: clientId,
    azp: clientId,
    ...time,
    auth_time: time.iat,
  };
  if (options.nonce !== undefined) defaults.nonce = options.nonce;
  return { header: buildHeader(key, 'JWT', options), payload: mergeClaims(defaults, claims) };
}
