/**
 * Checks the DPoP proof of one request to a protected resource (RFC 9449 §4.3, §7.1, §9).
 *
 * Cheapest checks first, the signature before any claim is trusted, and the replay store last,
 * so that only proofs valid in every other respect take a place in it.
 */
import { createHash } from 'node:crypto';
import { type ErrorReason, GatehouseError } from '../errors.js';
import { decodeObject, isBase64url } from '../internal/compact-jws.js';
import { verifySignature } from '../internal/signature.js';
import { normalizeTyp } from '../token-kind.js';
import { normalizeHttpUri } from './htu.js';
import type { DpopSettings } from './options.js';
import { importProofKey } from './proof-key.js';

/** What a request offers for DPoP, as the adapter read it. */
export interface DpopRequest {
  /** The `DPoP` header: a string, or an array when the header was repeated. */
  proof: string | readonly string[] | undefined;
  /** The request method as received, e.g. `GET`. */
  method: string;
  /**
   * The URL the client addressed. Absolute (`https://api.example.com/accounts?x=1`); when the
   * `origin` option is set, only its path counts, so a path (`/accounts?x=1`) is enough.
   */
  url: string;
}

/** One check: the request, the access token it presents and that token's `cnf.jkt`. */
export interface DpopProofCheck extends DpopRequest {
  accessToken: string;
  /** The token's `cnf.jkt` claim (RFC 9449 §6.1), as found in the token. */
  jkt: unknown;
  nowMs: number;
}

export interface DpopProofResult {
  /** RFC 7638 thumbprint of the proof key, equal to the token's `cnf.jkt`. */
  thumbprint: string;
  /** A fresh server nonce to send as `DPoP-Nonce`, when the client's is about to expire. */
  nonce?: string;
}

interface ProofClaims {
  jti?: unknown;
  htm?: unknown;
  htu?: unknown;
  iat?: unknown;
  exp?: unknown;
  ath?: unknown;
  nonce?: unknown;
}

const MAX_JTI_LENGTH = 256;

/**
 * Checks `check.proof` against the request and the access token. Resolves with the proof key's
 * thumbprint (and maybe a fresh nonce), or rejects with `GatehouseError`:
 * - `invalid_request` / `multiple_dpop_proofs` (400): more than one `DPoP` header (§4.3 step 1);
 * - `invalid_dpop_proof` (401): no proof, or one that is malformed, oversized, not
 *   `typ: dpop+jwt`, of an algorithm outside `algorithms`, with a private, unfit or invalid
 *   `jwk`, badly signed, missing `jti`/`htm`/`htu`/`iat`/`ath`, for another method or URI, with
 *   `iat` outside [now − maxAge − tolerance, now + tolerance], with an `exp` (optional in RFC
 *   9449, but RFC 7519 §4.1.4 when present) that is not a number or is past by more than the
 *   tolerance, for another access token (`ath`),
 *   or already used (`jti`);
 * - `invalid_token` (401): the token is not bound (`cnf.jkt`) or bound to another key (§7.1);
 * - `use_dpop_nonce` (401, with a `DPoP-Nonce`): nonces are on and the proof has none, or an
 *   unknown or expired one (§9);
 * - `temporarily_unavailable` (503): the replay store failed or took longer than its timeout.
 *
 * Does not: accept a proof whose replay could not be checked; take the key from anywhere but
 * the proof's `jwk`; read the query or fragment of the URL.
 */
export async function checkDpopProof(
  check: DpopProofCheck,
  settings: DpopSettings,
): Promise<DpopProofResult> {
  const proof = singleProof(check.proof);
  if (proof.length > settings.maxProofLength) {
    throw invalidProof('dpop_proof_too_large', 'the DPoP proof is too large');
  }
  const parts = proof.split('.');
  if (parts.length !== 3 || !parts.every(isBase64url)) {
    throw invalidProof('dpop_proof_malformed', 'the DPoP proof is not a compact JWS');
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeObject(headerPart);
  const claims = decodeObject(payloadPart) as ProofClaims | undefined;
  if (header === undefined || claims === undefined) {
    throw invalidProof('dpop_proof_malformed', 'the DPoP proof is not a JWT');
  }
  if (header['crit'] !== undefined || header['b64'] !== undefined) {
    throw invalidProof('dpop_proof_malformed', 'the DPoP proof header has unsupported parameters');
  }
  const typ = header['typ'];
  if (typeof typ !== 'string' || normalizeTyp(typ) !== 'dpop+jwt') {
    throw invalidProof('dpop_type_mismatch', 'the DPoP proof "typ" is not dpop+jwt');
  }
  const alg = header['alg'];
  if (typeof alg !== 'string' || !settings.algorithms.includes(alg)) {
    throw invalidProof(
      'dpop_unsupported_algorithm',
      'the DPoP proof is signed with an algorithm this API does not accept',
    );
  }
  const { key, thumbprint } = importProofKey(header['jwk'], alg);
  const signature = Buffer.from(signaturePart, 'base64url');
  if (!verifySignature(alg, key, `${headerPart}.${payloadPart}`, signature)) {
    throw invalidProof('dpop_bad_signature', 'the DPoP proof signature is not valid');
  }

  const { jti, htm, htu, iat, ath } = claims;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
    throw invalidProof('dpop_missing_claim', 'the DPoP proof has no valid "jti"');
  }
  if (typeof htm !== 'string' || typeof htu !== 'string') {
    throw invalidProof('dpop_missing_claim', 'the DPoP proof lacks "htm" or "htu"');
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat)) {
    throw invalidProof('dpop_missing_claim', 'the DPoP proof has no numeric "iat"');
  }
  if (typeof ath !== 'string') {
    throw invalidProof('dpop_missing_claim', 'the DPoP proof has no "ath"');
  }
  // RFC 9110 §9.1: methods are case-sensitive.
  if (htm !== check.method) {
    throw invalidProof('dpop_method_mismatch', 'the DPoP proof is for another HTTP method');
  }
  const target = normalizeHttpUri(targetUri(check.url, settings.origin));
  if (target === undefined || normalizeHttpUri(htu) !== target) {
    throw invalidProof('dpop_url_mismatch', 'the DPoP proof is for another URI');
  }
  const iatMs = iat * 1000;
  if (
    iatMs > check.nowMs + settings.clockToleranceMs ||
    iatMs < check.nowMs - settings.maxAgeMs - settings.clockToleranceMs
  ) {
    throw invalidProof('dpop_stale', 'the DPoP proof "iat" is outside the accepted window');
  }
  const { exp } = claims;
  if (
    exp !== undefined &&
    (typeof exp !== 'number' || !(exp * 1000 + settings.clockToleranceMs > check.nowMs))
  ) {
    throw invalidProof('dpop_stale', 'the DPoP proof has expired');
  }
  if (ath !== createHash('sha256').update(check.accessToken).digest('base64url')) {
    throw invalidProof('dpop_token_hash_mismatch', 'the DPoP proof is for another access token');
  }
  if (typeof check.jkt !== 'string') {
    throw new GatehouseError(
      'invalid_token',
      'dpop_unbound_token',
      'the access token is not bound to a DPoP key',
      { scheme: 'DPoP' },
    );
  }
  if (check.jkt !== thumbprint) {
    throw new GatehouseError('invalid_token', 'dpop_binding_mismatch', 'Invalid DPoP key binding', {
      scheme: 'DPoP',
    });
  }

  const result: DpopProofResult = { thumbprint };
  if (settings.nonce !== undefined) {
    const state = settings.nonce.check(claims.nonce, check.nowMs);
    if (state === 'invalid') {
      throw new GatehouseError(
        'use_dpop_nonce',
        claims.nonce === undefined ? 'dpop_nonce_required' : 'dpop_nonce_invalid',
        'Resource server requires nonce in DPoP proof',
        { dpopNonce: settings.nonce.current(check.nowMs) },
      );
    }
    if (state === 'expiring') result.nonce = settings.nonce.current(check.nowMs);
  }

  // Kept until the proof would be refused as stale anyway (RFC 9449 §11.1).
  const expiresAtMs = iatMs + settings.maxAgeMs + settings.clockToleranceMs + 1000;
  const replayKey = `dpop:${createHash('sha256').update(`${thumbprint} ${jti}`).digest('base64url')}`;
  if ((await useOnce(settings, replayKey, expiresAtMs)) !== true) {
    throw invalidProof('dpop_replayed', 'the DPoP proof was already used');
  }
  return result;
}

/** RFC 9449 §4.3 step 1: exactly one `DPoP` header, holding exactly one proof. */
function singleProof(value: string | readonly string[] | undefined): string {
  const values = (Array.isArray(value) ? value : [value]).filter(
    (item): item is string => typeof item === 'string' && item.trim() !== '',
  );
  if (values.length === 0) {
    throw invalidProof('dpop_proof_missing', 'a DPoP proof is required');
  }
  // Node joins repeated headers it does not know with ", "; a JWS never holds a comma.
  if (values.length > 1 || (values[0] as string).includes(',')) {
    throw new GatehouseError(
      'invalid_request',
      'multiple_dpop_proofs',
      'more than one DPoP proof',
      {
        scheme: 'DPoP',
      },
    );
  }
  return (values[0] as string).trim();
}

function targetUri(url: string, origin: string | undefined): string {
  if (origin === undefined) return url;
  try {
    return `${origin}${new URL(url, 'http://path.invalid').pathname}`;
  } catch {
    return '';
  }
}

async function useOnce(settings: DpopSettings, key: string, expiresAtMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error('the replay store did not answer in time')),
      settings.replayStoreTimeoutMs,
    );
  });
  try {
    return await Promise.race([settings.replayStore.useOnce(key, expiresAtMs), timeout]);
  } catch (cause) {
    throw new GatehouseError(
      'temporarily_unavailable',
      'replay_store_unavailable',
      'the DPoP proof could not be checked now',
      { cause, retryAfter: 1, scheme: 'DPoP' },
    );
  } finally {
    clearTimeout(timer);
  }
}

const invalidProof = (reason: ErrorReason, description: string) =>
  new GatehouseError('invalid_dpop_proof', reason, description);
