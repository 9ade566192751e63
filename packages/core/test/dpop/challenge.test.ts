import { describe, expect, it } from 'vitest';
import { GatehouseError, toHttpResponse } from '../../src/errors.js';

const ALGS = ['ES256', 'PS256'];
const both = { realm: 'api', dpop: { algorithms: ALGS, bearer: true } };
const dpopOnly = { realm: 'api', dpop: { algorithms: ALGS, bearer: false } };

describe('toHttpResponse with DPoP accepted (RFC 9449 §7.1)', () => {
  it('offers Bearer and DPoP (with algs) to a request without credentials', () => {
    const response = toHttpResponse(
      new GatehouseError('unauthorized', 'missing_credentials', 'x'),
      both,
    );
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="api", DPoP realm="api", algs="ES256 PS256"',
    );
  });

  it('offers DPoP alone when it is required', () => {
    const response = toHttpResponse(
      new GatehouseError('unauthorized', 'missing_credentials', 'x'),
      dpopOnly,
    );
    expect(response.headers['www-authenticate']).toBe('DPoP realm="api", algs="ES256 PS256"');
  });

  it('puts invalid_dpop_proof on the DPoP challenge, after algs, next to a bare Bearer one', () => {
    const error = new GatehouseError(
      'invalid_dpop_proof',
      'dpop_replayed',
      'the DPoP proof was already used',
    );
    const response = toHttpResponse(error, both);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="api", DPoP realm="api", algs="ES256 PS256", error="invalid_dpop_proof", error_description="the DPoP proof was already used"',
    );
    expect(response.body).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'the DPoP proof was already used',
    });
    expect(toHttpResponse(error, dpopOnly).headers['www-authenticate']).toBe(
      'DPoP realm="api", algs="ES256 PS256", error="invalid_dpop_proof", error_description="the DPoP proof was already used"',
    );
  });

  it('sends use_dpop_nonce with exactly one DPoP-Nonce header (§8, §9)', () => {
    const error = new GatehouseError(
      'use_dpop_nonce',
      'dpop_nonce_required',
      'Resource server requires nonce in DPoP proof',
      {
        dpopNonce: 'n1.abc',
      },
    );
    const response = toHttpResponse(error, dpopOnly);
    expect(response.status).toBe(401);
    expect(response.headers['dpop-nonce']).toBe('n1.abc');
    expect(response.headers['www-authenticate']).toBe(
      'DPoP realm="api", algs="ES256 PS256", error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
    );
  });

  it('answers a token error of a DPoP request on the DPoP challenge', () => {
    const error = new GatehouseError(
      'invalid_token',
      'dpop_binding_mismatch',
      'Invalid DPoP key binding',
      {
        scheme: 'DPoP',
      },
    );
    expect(toHttpResponse(error, both).headers['www-authenticate']).toBe(
      'Bearer realm="api", DPoP realm="api", algs="ES256 PS256", error="invalid_token", error_description="Invalid DPoP key binding"',
    );
  });

  it('answers a token error of a Bearer request on the Bearer challenge, still offering DPoP', () => {
    const error = new GatehouseError('invalid_token', 'expired', 'the token expired');
    expect(toHttpResponse(error, both).headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="the token expired", DPoP realm="api", algs="ES256 PS256"',
    );
  });

  it('answers a malformed DPoP request (two proofs) with 400 on the DPoP challenge', () => {
    const error = new GatehouseError(
      'invalid_request',
      'multiple_dpop_proofs',
      'more than one DPoP proof',
      {
        scheme: 'DPoP',
      },
    );
    const response = toHttpResponse(error, dpopOnly);
    expect(response.status).toBe(400);
    expect(response.headers['www-authenticate']).toBe(
      'DPoP realm="api", algs="ES256 PS256", error="invalid_request", error_description="more than one DPoP proof"',
    );
  });

  it('keeps an outage of the replay store a 503 without challenge', () => {
    const error = new GatehouseError('temporarily_unavailable', 'replay_store_unavailable', 'x', {
      retryAfter: 1,
      scheme: 'DPoP',
    });
    const response = toHttpResponse(error, both);
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('1');
    expect(response.headers['www-authenticate']).toBeUndefined();
  });

  it('is unchanged without DPoP: Bearer only', () => {
    const error = new GatehouseError('invalid_token', 'expired', 'the token expired');
    expect(toHttpResponse(error, { realm: 'api' }).headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="the token expired"',
    );
  });
});
