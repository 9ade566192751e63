import type { KeyObject } from 'node:crypto';
import type { TestIssuer } from '@gatehouse/testing';
import { expect, vi } from 'vitest';
import { GatehouseError } from '../../src/errors.js';
import {
  getRemoteKeyStore,
  KEY_FETCH_DEFAULTS,
  type RemoteKeyStoreOptions,
} from '../../src/jwks.js';
import type { RemoteKeyStore } from '../../src/remote-key-store.js';
import type { GatehouseEvent } from '../../src/types.js';

/**
 * A remote key store for `issuer` with a 1 s budget, recording its events. Typed as the remote
 * store it is, whose `ready` and `health` are not optional.
 */
export function options(issuer: TestIssuer, extra: Partial<RemoteKeyStoreOptions> = {}) {
  const events: GatehouseEvent[] = [];
  const settings: RemoteKeyStoreOptions = {
    ...KEY_FETCH_DEFAULTS,
    timeoutMs: 1_000,
    issuer: issuer.url,
    onEvent: (event) => events.push(event),
    ...extra,
  };
  return { settings, events, store: getRemoteKeyStore(settings) as RemoteKeyStore };
}

/** The GatehouseError `promise` rejects with (fails the test if it resolves or rejects otherwise). */
export async function rejection(promise: Promise<unknown>): Promise<GatehouseError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatehouseError);
  return error as GatehouseError;
}

/** Moves `Date` only: real timers (AbortSignal.timeout, sockets) keep running. */
export function freezeDate(): { advance(ms: number): void } {
  vi.useFakeTimers({ toFake: ['Date'] });
  return { advance: (ms) => vi.setSystemTime(Date.now() + ms) };
}

/** The `keys_refresh_failed` events among `events`. */
export const failures = (events: GatehouseEvent[]) =>
  events.flatMap((event) => (event.type === 'keys_refresh_failed' ? [event] : []));

/** The `keys_refreshed` events among `events`. */
export const refreshes = (events: GatehouseEvent[]) =>
  events.flatMap((event) => (event.type === 'keys_refreshed' ? [event] : []));

/** An RSA key's modulus, to tell which published key a store handed out. */
export const modulus = (key: KeyObject) => key.export({ format: 'jwk' }).n;
