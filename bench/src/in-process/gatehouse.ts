import { createVerifier } from '@gatehouse/core';
import { createAuthHandler } from '@gatehouse/core/adapter';
import type { ContenderSetup, VerifyContender } from './contenders.js';

/** Gatehouse core configured as a user would: issuer + audience, keys by discovery. */
export function gatehouse(setup: ContenderSetup, cache: boolean): VerifyContender {
  const verifier = createVerifier({
    issuer: setup.issuer.url,
    audience: setup.issuer.audience,
    ...(cache ? {} : { cache: false as const }),
  });
  return {
    name: `Gatehouse cache ${cache ? 'on' : 'off'}`,
    async: true,
    checksClaims: true,
    verify: (token) => verifier.verify(token),
  };
}

/**
 * What every adapter calls per request: the auth handler (default options, cache on) given an
 * `Authorization` header and a fresh request object, its promise awaited. Against "Gatehouse
 * cache on" it shows what the adapter kit adds to the core per request (header parsing, the
 * promise hand-off, per-request bookkeeping) outside any framework.
 */
export function gatehouseHandler(setup: ContenderSetup): VerifyContender {
  const handler = createAuthHandler({ issuer: setup.issuer.url, audience: setup.issuer.audience });
  return {
    name: 'Gatehouse auth handler',
    async: true,
    inFlight: false,
    checksClaims: true,
    verify: (token) => handler.authenticate(`Bearer ${token}`, {}),
  };
}
