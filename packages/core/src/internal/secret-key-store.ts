import { createSecretKey } from 'node:crypto';
import type { KeyStore } from '../jwks.js';

/** The `secret` option as a key store: one HMAC key for every token of its issuer. */
export function createSecretKeyStore(issuer: string, secret: Uint8Array): KeyStore {
  const key = createSecretKey(secret);
  return {
    issuer,
    getKey: async () => key,
    keyNow: () => key,
    isCurrent: (candidate) => candidate === key,
    health: () => ({ issuer, ready: true, keyCount: 1, stale: false, failures: 0 }),
  };
}
