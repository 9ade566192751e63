import { createPublicKey, type KeyObject } from 'node:crypto';
import { createVerifier as createFastVerifier } from 'fast-jwt';
import { createLocalJWKSet, jwtVerify } from 'jose';
import jsonwebtoken from 'jsonwebtoken';
import { type BenchAlg, type BenchIssuer, keyFor } from '../fixtures.js';
import { floorCheck } from '../floor.js';

/** One way of verifying a token, measured side by side with the others. */
export interface VerifyContender {
  readonly name: string;
  /** Async contenders are also measured with many calls in flight, unless `inFlight` is false. */
  readonly async: boolean;
  readonly inFlight?: false;
  /** False only for the floor, which checks the signature and nothing else. */
  readonly checksClaims: boolean;
  verify(token: string): unknown;
}

/** What every contender is configured with: the issuer, its audience and one algorithm. */
export interface ContenderSetup {
  issuer: BenchIssuer;
  alg: BenchAlg;
}

function publicKeyOf({ issuer, alg }: ContenderSetup): KeyObject {
  return createPublicKey({ key: keyFor(issuer, alg).publicJwk as never, format: 'jwk' });
}

function pemOf(setup: ContenderSetup): string {
  return publicKeyOf(setup).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * The floor (see `floorCheck`): node:crypto `verify` with a ready KeyObject, plus JSON parsing of
 * the payload. No header, algorithm or claim checks — the least work any verifier must do.
 */
export function floor(setup: ContenderSetup): VerifyContender {
  const check = floorCheck(keyFor(setup.issuer, setup.alg).publicJwk, setup.alg);
  return {
    name: 'floor (node:crypto)',
    async: false,
    checksClaims: false,
    verify(token) {
      const claims = check(token);
      if (claims === undefined) throw new Error('bad signature');
      return claims;
    },
  };
}

/** jose 6 `jwtVerify` with `createLocalJWKSet` (WebCrypto, always asynchronous). */
export function jose(setup: ContenderSetup): VerifyContender {
  const keySet = createLocalJWKSet({ keys: [keyFor(setup.issuer, setup.alg).publicJwk] });
  const options = {
    issuer: setup.issuer.url,
    audience: setup.issuer.audience,
    algorithms: [setup.alg],
  };
  return {
    name: 'jose jwtVerify',
    async: true,
    checksClaims: true,
    verify: (token) => jwtVerify(token, keySet, options),
  };
}

/** fast-jwt `createVerifier` with the key as a PEM string (synchronous node:crypto). */
export function fastJwt(setup: ContenderSetup, cache: boolean): VerifyContender {
  const verify = createFastVerifier({
    key: pemOf(setup),
    algorithms: [setup.alg],
    allowedIss: setup.issuer.url,
    allowedAud: setup.issuer.audience,
    cache,
  });
  return {
    name: `fast-jwt cache ${cache ? 'on' : 'off'}`,
    async: false,
    checksClaims: true,
    verify,
  };
}

/** jsonwebtoken `verify` with a PEM (synchronous). */
export function jsonWebToken(setup: ContenderSetup): VerifyContender {
  const pem = pemOf(setup);
  const options = {
    algorithms: [setup.alg],
    audience: setup.issuer.audience,
    issuer: setup.issuer.url,
  };
  return {
    name: 'jsonwebtoken',
    async: false,
    checksClaims: true,
    verify: (token) => jsonwebtoken.verify(token, pem, options),
  };
}

/** Every peer contender for one algorithm, the floor first. */
export function peerContenders(setup: ContenderSetup): VerifyContender[] {
  return [
    floor(setup),
    jose(setup),
    fastJwt(setup, false),
    fastJwt(setup, true),
    jsonWebToken(setup),
  ];
}
