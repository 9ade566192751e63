import { createSecretKey } from 'node:crypto';
import { createStaticKeyStore, getRemoteKeyStore, type KeyStore } from './jwks.js';
import type { ResolvedOptions } from './options.js';

/**
 * The key store of one configured issuer: its shared secret, its fixed key set, or its remote
 * JWKS (discovered, cached and shared process-wide).
 */
export function keyStoreFor(config: ResolvedOptions, issuer: string): KeyStore {
  if (config.secret) return secretKeyStore(issuer, config.secret);
  if (config.keys) return createStaticKeyStore(issuer, config.keys, config.keyFetch.maxKeys);
  return getRemoteKeyStore({
    issuer,
    ...(config.jwksUri === undefined ? {} : { jwksUri: config.jwksUri }),
    ...config.keyFetch,
    ...(config.onEvent === undefined ? {} : { onEvent: config.onEvent }),
  });
}

/** The `secret` option as a key store: one HMAC key for every token of its issuer. */
function secretKeyStore(issuer: string, secret: Uint8Array): KeyStore {
  const key = createSecretKey(secret);
  return {
    issuer,
    getKey: async () => key,
    keyNow: () => key,
  };
}
