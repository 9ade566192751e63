import { generateKeyPairSync } from 'node:crypto';
import {
  createMemoryReplayStore,
  type DpopRequest,
  GatehouseConfigError,
  type GatehouseError,
  type Verifier,
  type VerifierOptions,
} from '@gatehouse/core';
import { requireAuth } from '@gatehouse/express';
import {
  createDpopKey,
  createTestIssuer,
  type DpopKey,
  type DpopProofOptions,
  type TestIssuer,
} from '@gatehouse/testing';
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { caseIt } from './catalog.js';
import { expectRefusal, verifierOf } from './support.js';

// Catalog surface sdk-verifier.dpop.inbound, against verifiers (and one Express server)
// configured with `dpop`. Each proof is a real one, signed by a client key from
// @gatehouse/testing; each hostile proof differs from a valid one in the one point its case
// names. The cases about DPoP-bound tokens under Bearer are in dpop-bound-bearer.test.ts.

const RESOURCE = 'https://api.example.com/resource';
const NONCE_SECRET = 'conformance-nonce-secret-of-32-bytes!';

let issuer: TestIssuer;
let key: DpopKey;
let otherKey: DpopKey;
beforeAll(async () => {
  [issuer, key, otherKey] = await Promise.all([
    createTestIssuer(),
    createDpopKey('ES256'),
    createDpopKey('ES256'),
  ]);
});
afterAll(() => issuer?.close());

const dpopVerifier = (dpop: VerifierOptions['dpop'] = true): Verifier =>
  verifierOf(issuer, { dpop });
const bound = (by: DpopKey = key) => issuer.mint({ cnf: { jkt: by.jkt } });
const now = () => Math.floor(Date.now() / 1000);

/** A GET of RESOURCE (with a query the proof leaves out) and its proof, changed by `proof`. */
function dpopRequest(token: string, proof: Partial<DpopProofOptions> = {}, by = key): DpopRequest {
  return {
    proof: by.proof({ method: 'GET', url: RESOURCE, accessToken: token, ...proof }),
    method: 'GET',
    url: `${RESOURCE}?query=ignored`,
  };
}

/** `Authorization: DPoP <token>` with `http`, on a fresh DPoP verifier unless one is given. */
const presentDpop = (token: string, http: DpopRequest | undefined, verifier = dpopVerifier()) =>
  verifier.authenticate(`DPoP ${token}`, http);

const refusalOf = (outcome: Promise<unknown>) =>
  outcome.then(
    () => {
      throw new Error('accepted');
    },
    (error: GatehouseError) => error,
  );

describe('catalog: sdk-verifier.dpop.inbound (dpop on)', () => {
  caseIt('rfc9449-dpop-proof-header-typ-must-be-dpop-jwt', async () => {
    const token = await bound();
    await expectRefusal(
      presentDpop(token, dpopRequest(token, { header: { typ: 'JWT' } })),
      'invalid_dpop_proof',
      'dpop_type_mismatch',
    );
  });

  caseIt('rfc9449-inbound-dpop-proof-must-validate-method-url-and-binding', async () => {
    // A real Express server with dpop on, told its external origin (as behind a proxy).
    const app = express().get(
      '/resource',
      requireAuth({
        issuer: issuer.url,
        audience: issuer.audience,
        dpop: { origin: new URL(RESOURCE).origin },
      }),
      (req, res) => {
        res.json({ sub: req.auth?.subject, jkt: req.auth?.dpop?.jkt });
      },
    );
    const token = await bound();
    const response = await request(app)
      .get('/resource?query=ignored')
      .set('Authorization', `DPoP ${token}`)
      .set('DPoP', key.proof({ method: 'GET', url: RESOURCE, accessToken: token }))
      .expect(200);
    expect(response.body).toEqual({ sub: expect.any(String), jkt: key.jkt });
    // The verifier itself: verified claims and the verified proof's key.
    const auth = await presentDpop(token, dpopRequest(token));
    expect(auth.claims.cnf).toEqual({ jkt: key.jkt });
    expect(auth.dpop).toEqual({ jkt: key.jkt });
  });

  caseIt('rfc9449-dpop-replay-must-be-detected', async () => {
    const verifier = dpopVerifier();
    const token = await bound();
    const http = dpopRequest(token);
    await expect(presentDpop(token, http, verifier)).resolves.toBeDefined();
    await expectRefusal(presentDpop(token, http, verifier), 'invalid_dpop_proof', 'dpop_replayed');
  });

  caseIt('rfc9449-dpop-method-mismatch-must-be-rejected', async () => {
    const token = await bound();
    await expectRefusal(
      presentDpop(token, dpopRequest(token, { method: 'POST' })),
      'invalid_dpop_proof',
      'dpop_method_mismatch',
    );
  });

  caseIt('rfc9449-dpop-url-mismatch-must-be-rejected', async () => {
    const token = await bound();
    await expectRefusal(
      presentDpop(token, dpopRequest(token, { url: 'https://api.example.com/other' })),
      'invalid_dpop_proof',
      'dpop_url_mismatch',
    );
  });

  caseIt('rfc9449-dpop-proof-htu-must-be-normalized-before-comparison', async () => {
    const token = await bound();
    const http = dpopRequest(token, { claims: { htu: 'HTTPS://API.EXAMPLE.COM:443/resource' } });
    await expect(presentDpop(token, http)).resolves.toMatchObject({ dpop: { jkt: key.jkt } });
  });

  caseIt('rfc9449-dpop-proof-htm-must-be-case-sensitive', async () => {
    const token = await bound();
    await expectRefusal(
      presentDpop(token, dpopRequest(token, { method: 'get' })),
      'invalid_dpop_proof',
      'dpop_method_mismatch',
    );
  });

  caseIt('rfc9449-dpop-replay-store-must-evict-expired-entries', async () => {
    // One slot: proof-2 finds room only if the expired proof-1 no longer occupies it.
    let clock = 1_000_000;
    const store = createMemoryReplayStore({ maxEntries: 1, now: () => clock });
    expect(await store.useOnce('dpop:proof-1', clock + 1000)).toBe(true);
    await expect(store.useOnce('dpop:proof-2', clock + 60_000)).rejects.toThrow();
    clock += 2000;
    expect(await store.useOnce('dpop:proof-2', clock + 60_000)).toBe(true);
    expect(await store.useOnce('dpop:proof-2', clock + 60_000)).toBe(false);
  });

  caseIt('rfc9449-dpop-inbound-nonce-must-be-validated-when-required', async () => {
    // RFC 9449 §9: a missing or unknown nonce is answered `use_dpop_nonce` with a fresh nonce.
    const verifier = dpopVerifier({ nonce: { secret: NONCE_SECRET } });
    const token = await bound();
    const wrong = await refusalOf(
      presentDpop(token, dpopRequest(token, { nonce: 'wrong-nonce' }), verifier),
    );
    expect(wrong).toMatchObject({ code: 'use_dpop_nonce', reason: 'dpop_nonce_invalid' });
    const missing = await refusalOf(presentDpop(token, dpopRequest(token), verifier));
    expect(missing).toMatchObject({ code: 'use_dpop_nonce', reason: 'dpop_nonce_required' });
    expect(missing.dpopNonce).toEqual(expect.any(String));
    const nonce = missing.dpopNonce as string;
    await expect(
      presentDpop(token, dpopRequest(token, { nonce }), verifier),
    ).resolves.toBeDefined();
  });

  caseIt('rfc9449-dpop-proof-exp-must-be-enforced-when-present', async () => {
    const token = await bound();
    await expectRefusal(
      presentDpop(token, dpopRequest(token, { iat: now(), claims: { exp: now() - 60 } })),
      'invalid_dpop_proof',
      'dpop_stale',
    );
    await expect(
      presentDpop(token, dpopRequest(token, { claims: { exp: now() + 60 } })),
    ).resolves.toBeDefined();
  });

  caseIt('rfc9449-dpop-proof-must-carry-public-jwk', async () => {
    const token = await bound();
    await expectRefusal(
      presentDpop(token, dpopRequest(token, { header: { jwk: undefined } })),
      'invalid_dpop_proof',
      'dpop_invalid_key',
    );
  });

  caseIt('rfc9449-dpop-proof-jwk-must-not-include-private-key-material', async () => {
    const token = await bound();
    const { d } = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
      format: 'jwk',
    });
    // The same proof is accepted with the public members only, refused with a private one.
    await expect(
      presentDpop(token, dpopRequest(token, { header: { jwk: { ...key.publicJwk } } })),
    ).resolves.toBeDefined();
    await expectRefusal(
      presentDpop(token, dpopRequest(token, { header: { jwk: { ...key.publicJwk, d } } })),
      'invalid_dpop_proof',
      'dpop_invalid_key',
    );
  });

  caseIt('rfc9449-dpop-proof-alg-must-be-supported-asymmetric', async () => {
    const token = await bound();
    await expectRefusal(
      presentDpop(token, dpopRequest(token, { header: { alg: 'HS256' } })),
      'invalid_dpop_proof',
      'dpop_unsupported_algorithm',
    );
    // Nor can a symmetric algorithm be configured.
    expect(() => dpopVerifier({ algorithms: ['HS256'] })).toThrow(GatehouseConfigError);
  });

  caseIt('rfc9449-dpop-proof-iat-must-not-be-in-the-future-beyond-leeway', async () => {
    const token = await bound();
    await expectRefusal(
      presentDpop(token, dpopRequest(token, { iat: now() + 60 })),
      'invalid_dpop_proof',
      'dpop_stale',
    );
  });

  caseIt('rfc9449-dpop-proof-must-not-be-too-old', async () => {
    const token = await bound();
    await expectRefusal(
      presentDpop(token, dpopRequest(token, { iat: now() - 3600 })),
      'invalid_dpop_proof',
      'dpop_stale',
    );
  });

  caseIt('rfc9449-dpop-proof-required-when-validating-dpop-bound-token', async () => {
    const token = await bound();
    for (const http of [undefined, { proof: undefined, method: 'GET', url: RESOURCE }]) {
      await expectRefusal(presentDpop(token, http), 'invalid_dpop_proof', 'dpop_proof_missing');
    }
  });

  caseIt('rfc9449-dpop-binding-mismatch-must-be-rejected', async () => {
    const token = await bound(key);
    await expectRefusal(
      presentDpop(token, dpopRequest(token, {}, otherKey)),
      'invalid_token',
      'dpop_binding_mismatch',
    );
  });

  caseIt('rfc9449-dpop-ath-mismatch-must-be-rejected', async () => {
    const [token, another] = await Promise.all([bound(), bound()]);
    await expectRefusal(
      presentDpop(token, dpopRequest(token, { accessToken: another })),
      'invalid_dpop_proof',
      'dpop_token_hash_mismatch',
    );
  });

  caseIt('rfc9449-dpop-bound-token-must-contain-cnf-jkt', async () => {
    const token = await issuer.mint({ cnf: {} });
    await expectRefusal(
      presentDpop(token, dpopRequest(token)),
      'invalid_token',
      'dpop_unbound_token',
    );
  });

  caseIt(
    'rfc9449-dpop-proof-validation-must-not-skip-binding-when-access-token-is-provided',
    async () => {
      // A proof valid in every other respect for a token that names no key: never accepted.
      const token = await issuer.mint();
      await expectRefusal(
        presentDpop(token, dpopRequest(token)),
        'invalid_token',
        'dpop_unbound_token',
      );
    },
  );

  caseIt(
    'rfc9449-bearer-token-with-request-context-and-no-proof-must-still-verify-as-bearer',
    async () => {
      const token = await issuer.mint();
      const auth = await dpopVerifier().authenticate(`Bearer ${token}`, {
        proof: undefined,
        method: 'GET',
        url: RESOURCE,
      });
      expect(auth.claims.cnf).toBeUndefined();
      expect(auth.dpop).toBeUndefined();
    },
  );

  caseIt('rfc9449-verifier-must-reject-bearer-only-token-when-resource-requires-dpop', async () => {
    // With `dpop: { required: true }` a Bearer credential counts as none at all.
    const verifier = dpopVerifier({ required: true });
    await expectRefusal(
      verifier.authenticate(`Bearer ${await issuer.mint()}`),
      'unauthorized',
      'missing_credentials',
    );
  });

  caseIt(
    'rfc9449-verifier-must-reject-dpop-proof-when-access-token-is-not-dpop-bound',
    async () => {
      // Deviation: under `Bearer`, the DPoP header is not read. The unbound token is accepted as
      // the bearer token it is, and the proof is never trusted (no `auth.dpop`).
      const app = express().get(
        '/resource',
        requireAuth({ issuer: issuer.url, audience: issuer.audience, dpop: true }),
        (req, res) => {
          res.json({ dpop: req.auth?.dpop ?? null });
        },
      );
      const token = await issuer.mint();
      const response = await request(app)
        .get('/resource')
        .set('Authorization', `Bearer ${token}`)
        .set('DPoP', key.proof({ method: 'GET', url: RESOURCE, accessToken: token }))
        .expect(200);
      expect(response.body).toEqual({ dpop: null });
    },
  );
});
