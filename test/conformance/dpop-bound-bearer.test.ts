import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe } from 'vitest';
import { caseIt } from './catalog.js';
import { expectRefusal, verifierOf } from './support.js';

// Catalog surface sdk-verifier.dpop.inbound: a DPoP-bound token (cnf.jkt) presented as Bearer
// is refused (RFC 9449 §7.2; issue 10 §2), whether the resource has DPoP on or not.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer?.close());

const bound = () => issuer.mint({ cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } });

describe('catalog: DPoP-bound tokens under Bearer', () => {
  caseIt(
    'rfc9449-dpop-bound-token-with-request-context-and-no-proof-must-be-rejected-via-main-verify-path',
    async () => {
      // A resource with DPoP on, given the request (without a DPoP header) through the one
      // `authenticate` entry point: as Bearer the bound token is refused, as DPoP its proof is
      // missing.
      const verifier = verifierOf(issuer, { dpop: true });
      const token = await bound();
      const http = { proof: undefined, method: 'GET', url: 'https://api.example.com/resource' };
      await expectRefusal(
        verifier.authenticate(`Bearer ${token}`, http),
        'invalid_token',
        'sender_constrained',
      );
      await expectRefusal(
        verifier.authenticate(`DPoP ${token}`, http),
        'invalid_dpop_proof',
        'dpop_proof_missing',
      );
      // And with DPoP off, as Bearer too.
      await expectRefusal(verifierOf(issuer).authenticate(`Bearer ${token}`), 'invalid_token');
    },
  );

  caseIt(
    'rfc9449-verifier-must-reject-dpop-bound-token-when-resource-does-not-support-dpop',
    async () => {
      const token = await bound();
      await expectRefusal(verifierOf(issuer).verify(token), 'invalid_token', 'sender_constrained');
      // Also on a warm verifier that has seen an unbound token first.
      const warm = verifierOf(issuer);
      const unbound = await issuer.mint();
      for (let i = 0; i < 3; i++) await warm.verify(unbound);
      await expectRefusal(warm.verify(token), 'invalid_token', 'sender_constrained');
    },
  );
});
