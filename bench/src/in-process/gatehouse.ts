import { createVerifier } from '@gatehouse/core';
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
