/**
 * Stateless, rotating DPoP server nonces (RFC 9449 §8, §9).
 *
 * Time is cut into periods of `rotationMs`; the nonce of period `n` is `n` (base 36) and an
 * HMAC-SHA-256 of it under the configured secret. A nonce is accepted during its own period and
 * the next one, so every instance sharing the secret issues and accepts the same nonces with no
 * shared state, and a client always has a whole period to use a nonce it was just given.
 *
 * Does not: store nonces; make them per client (they bound how long a pre-computed proof is
 * usable, RFC 9449 §11.2, which a per-period value does); accept a nonce from the future.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What `check` says about a nonce. */
export type NonceState =
  /** Of the current period. */
  | 'current'
  /** Of the previous period: still accepted, but about to expire, so offer the current one. */
  | 'expiring'
  /** Absent, forged, malformed or expired. */
  | 'invalid';

export interface NonceIssuer {
  /** The nonce to hand out now. */
  current(nowMs: number): string;
  check(nonce: unknown, nowMs: number): NonceState;
}

/** Shortest secret accepted: 32 bytes, the HMAC-SHA-256 output size (RFC 2104 §3). */
export const MIN_NONCE_SECRET_BYTES = 32;

const MAC_CHARS = 22; // 128 bits of the MAC, base64url

export function createNonceIssuer(secret: string | Uint8Array, rotationMs: number): NonceIssuer {
  const key = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (key.byteLength < MIN_NONCE_SECRET_BYTES) {
    throw new TypeError(`the nonce secret must be at least ${MIN_NONCE_SECRET_BYTES} bytes`);
  }
  const mac = (period: number) =>
    createHmac('sha256', key)
      .update(`gatehouse/dpop-nonce/${period}`)
      .digest('base64url')
      .slice(0, MAC_CHARS);
  const nonceOf = (period: number) => `${period.toString(36)}.${mac(period)}`;
  const periodOf = (nowMs: number) => Math.floor(nowMs / rotationMs);

  return {
    current: (nowMs) => nonceOf(periodOf(nowMs)),
    check(nonce, nowMs) {
      if (typeof nonce !== 'string' || nonce.length > 32) return 'invalid';
      const dot = nonce.indexOf('.');
      const digits = nonce.slice(0, dot);
      if (dot < 1 || !/^[0-9a-z]+$/.test(digits)) return 'invalid';
      const period = Number.parseInt(digits, 36);
      const now = periodOf(nowMs);
      if (period !== now && period !== now - 1) return 'invalid';
      const given = Buffer.from(nonce.slice(dot + 1));
      const expected = Buffer.from(mac(period));
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
      return period === now ? 'current' : 'expiring';
    },
  };
}
