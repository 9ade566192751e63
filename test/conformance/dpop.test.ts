import { GatehouseConfigError } from '@gatehouse/core';
import { requireAuth } from '@gatehouse/express';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import express from 'express';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type CaseId, caseIt } from './catalog.js';
import { expectRefusal, verifierOf } from './support.js';

// Catalog surface sdk-verifier.dpop.inbound. DPoP (RFC 9449) is not implemented yet: every
// case that needs proof validation asserts what happens today — a request with the DPoP scheme
// carries no Bearer credential and is refused (401 without an error code), so no proof is ever
// trusted and no DPoP-bound token is accepted through it. The cases about Bearer tokens with or
// without `cnf` are in dpop-bound-bearer.test.ts and bearer-with-dpop-header below.

let issuer: TestIssuer;
let jkt: string;
beforeAll(async () => {
  issuer = await createTestIssuer();
  const { publicKey } = await generateKeyPair('ES256');
  jkt = await calculateJwkThumbprint(await exportJWK(publicKey));
});
afterAll(() => issuer?.close());

/** Today's answer to `Authorization: DPoP <token bound to a proof key>`, whatever the proof. */
async function dpopSchemeRefused(): Promise<void> {
  const bound = await issuer.mint({ cnf: { jkt } });
  await expectRefusal(
    verifierOf(issuer).authenticate(`DPoP ${bound}`),
    'unauthorized',
    'missing_credentials',
  );
}

const PROOF_CASES: CaseId[] = [
  'rfc9449-dpop-proof-header-typ-must-be-dpop-jwt',
  'rfc9449-inbound-dpop-proof-must-validate-method-url-and-binding',
  'rfc9449-dpop-replay-must-be-detected',
  'rfc9449-dpop-method-mismatch-must-be-rejected',
  'rfc9449-dpop-url-mismatch-must-be-rejected',
  'rfc9449-dpop-proof-htu-must-be-normalized-before-comparison',
  'rfc9449-dpop-proof-htm-must-be-case-sensitive',
  'rfc9449-dpop-replay-store-must-evict-expired-entries',
  'rfc9449-dpop-inbound-nonce-must-be-validated-when-required',
  'rfc9449-dpop-proof-exp-must-be-enforced-when-present',
  'rfc9449-dpop-proof-must-carry-public-jwk',
  'rfc9449-dpop-proof-jwk-must-not-include-private-key-material',
  'rfc9449-dpop-proof-alg-must-be-supported-asymmetric',
  'rfc9449-dpop-proof-iat-must-not-be-in-the-future-beyond-leeway',
  'rfc9449-dpop-proof-must-not-be-too-old',
  'rfc9449-dpop-proof-required-when-validating-dpop-bound-token',
  'rfc9449-dpop-binding-mismatch-must-be-rejected',
  'rfc9449-dpop-ath-mismatch-must-be-rejected',
  'rfc9449-dpop-bound-token-must-contain-cnf-jkt',
  'rfc9449-dpop-proof-validation-must-not-skip-binding-when-access-token-is-provided',
];

describe('catalog: sdk-verifier.dpop.inbound (not supported yet)', () => {
  for (const id of PROOF_CASES) caseIt(id, dpopSchemeRefused);

  caseIt(
    'rfc9449-bearer-token-with-request-context-and-no-proof-must-still-verify-as-bearer',
    async () => {
      const auth = await verifierOf(issuer).authenticate(`Bearer ${await issuer.mint()}`);
      expect(auth.claims.cnf).toBeUndefined();
    },
  );

  caseIt('rfc9449-verifier-must-reject-bearer-only-token-when-resource-requires-dpop', () => {
    expect(() => verifierOf(issuer, { dpop: { required: true } } as never)).toThrow(
      GatehouseConfigError,
    );
  });

  caseIt(
    'rfc9449-verifier-must-reject-dpop-proof-when-access-token-is-not-dpop-bound',
    async () => {
      const app = express().get(
        '/r',
        requireAuth({ issuer: issuer.url, audience: issuer.audience }),
        (_req, res) => {
          res.json({ ok: true });
        },
      );
      // Not supported: the DPoP header is not read, so the unbound Bearer token is accepted.
      await request(app)
        .get('/r')
        .set('Authorization', `Bearer ${await issuer.mint()}`)
        .set('DPoP', 'eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.c2ln')
        .expect(200);
    },
  );
});
