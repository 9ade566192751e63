import { describe, expect, it } from 'vitest';
import { GatehouseError, isGatehouseError, toHttpResponse } from '../src/errors.js';

describe('toHttpResponse (RFC 6750 §3)', () => {
  it('answers missing credentials with a bare challenge and no error code (§3.1)', () => {
    const response = toHttpResponse(
      new GatehouseError('unauthorized', 'missing_credentials', 'a token is required'),
    );
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({
      error: 'unauthorized',
      error_description: 'a token is required',
    });
  });

  it('adds realm and resource_metadata when configured', () => {
    const response = toHttpResponse(
      new GatehouseError('unauthorized', 'missing_credentials', 'x'),
      {
        realm: 'accounts',
        resourceMetadata: 'https://api.example.com/.well-known/oauth-protected-resource',
      },
    );
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="accounts", resource_metadata="https://api.example.com/.well-known/oauth-protected-resource"',
    );
  });

  it('maps invalid_request to 400 and invalid_token to 401 with error and description', () => {
    expect(
      toHttpResponse(new GatehouseError('invalid_request', 'malformed_header', 'bad header')),
    ).toMatchObject({
      status: 400,
      headers: {
        'www-authenticate': 'Bearer error="invalid_request", error_description="bad header"',
      },
      body: { error: 'invalid_request' },
    });
    expect(
      toHttpResponse(new GatehouseError('invalid_token', 'expired', 'the token expired 42 s ago')),
    ).toMatchObject({
      status: 401,
      headers: {
        'www-authenticate':
          'Bearer error="invalid_token", error_description="the token expired 42 s ago"',
      },
    });
  });

  it('maps insufficient_scope to 403 with the scope parameter', () => {
    const error = new GatehouseError(
      'insufficient_scope',
      'insufficient_scope',
      'more scope needed',
      {
        scope: ['accounts:read', 'https://api.banno.com/consumer/auth/offline_access'],
      },
    );
    const response = toHttpResponse(error, { realm: 'api' });
    expect(response.status).toBe(403);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="more scope needed", scope="accounts:read https://api.banno.com/consumer/auth/offline_access"',
    );
  });

  it('maps an outage to 503 with Retry-After and no challenge', () => {
    const response = toHttpResponse(
      new GatehouseError('temporarily_unavailable', 'keys_unavailable', 'keys down', {
        retryAfter: 2.2,
      }),
    );
    expect(response.status).toBe(503);
    expect(response.headers['retry-after']).toBe('3');
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(response.body.error).toBe('temporarily_unavailable');
  });

  it('keeps quoted strings within the characters RFC 6750 §3 allows', () => {
    const response = toHttpResponse(
      new GatehouseError('invalid_token', 'invalid_claim', 'a "quoted" \\ value\n\u00e9'),
      {
        realm: 'r"e\\alm',
      },
    );
    expect(response.headers['www-authenticate']).toBe(
      `Bearer realm="r'e'alm", error="invalid_token", error_description="a 'quoted' ' value"`,
    );
  });

  it('never sends the cause', () => {
    const error = new GatehouseError(
      'invalid_token',
      'bad_signature',
      'the token signature is not valid',
      {
        cause: new Error('secret internal detail'),
      },
    );
    expect(JSON.stringify(toHttpResponse(error))).not.toContain('secret internal detail');
    expect(isGatehouseError(error)).toBe(true);
    expect(isGatehouseError(new Error('x'))).toBe(false);
  });
});
