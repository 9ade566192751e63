import * as core from '@gatehouse/core';
import { createVerifier, GatehouseConfigError, toHttpResponse } from '@gatehouse/core';
import { scopeGuard } from '@gatehouse/core/adapter';
import { createDpopKey, createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  type IntrospectionServer,
  startIntrospectionServer,
} from '../../packages/core/test/support/introspection-endpoint.js';
import { caseIt } from './catalog.js';
import { verifierOf } from './support.js';

// Catalog surfaces sdk-resource-metadata, sdk-verifier.claims, sdk-verifier.error-response and
// sdk-verifier.revocation.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer?.close());

const refusalOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('accepted');
    },
    (error: core.GatehouseError) => error,
  );

const metadataOf = () =>
  core.createResourceMetadata({
    resource: `${issuer.audience}/mcp`,
    authorizationServers: [issuer.url],
  });

describe('catalog: sdk-resource-metadata', () => {
  caseIt('rfc9728-prm-must-contain-required-fields', () => {
    const document = JSON.parse(metadataOf().response.body);
    expect(document.resource).toBe(`${issuer.audience}/mcp`);
    expect(document.authorization_servers).toEqual([issuer.url]);
  });
  caseIt('rfc9728-prm-authorization-servers-must-list-the-issuer', () => {
    expect(() =>
      verifierOf(issuer, {
        audience: `${issuer.audience}/mcp`,
        resourceMetadata: core.createResourceMetadata({
          resource: `${issuer.audience}/mcp`,
          authorizationServers: ['https://elsewhere.example.test'],
        }),
      }),
    ).toThrow(GatehouseConfigError);
  });
  caseIt('rfc9728-prm-supported-bearer-methods-should-be-stable', () => {
    expect(metadataOf().document.bearer_methods_supported).toEqual(['header']);
    expect(metadataOf().response.body).toBe(metadataOf().response.body);
  });
  caseIt('rfc9728-well-known-path-must-derive-from-resource-uri', () => {
    expect(metadataOf().url).toBe(
      `${new URL(issuer.audience).origin}/.well-known/oauth-protected-resource/mcp`,
    );
  });
  caseIt('rfc9728-prm-dpop-fields-should-be-advertised-when-dpop-is-supported', () => {
    const document = core.createResourceMetadata({
      resource: `${issuer.audience}/mcp`,
      authorizationServers: [issuer.url],
      scopesSupported: ['read:data'],
      dpopSigningAlgValuesSupported: [...core.DPOP_DEFAULTS.algorithms],
    }).document;
    expect(document['dpop_signing_alg_values_supported']).toEqual(core.DPOP_DEFAULTS.algorithms);
    expect(document).not.toHaveProperty('dpop_bound_access_tokens_required');
    // An API without DPoP advertises none of it.
    expect(Object.keys(metadataOf().document).filter((key) => key.startsWith('dpop'))).toEqual([]);
  });
  caseIt('rfc9728-prm-must-advertise-dpop-required-when-resource-requires-dpop', () => {
    const metadata = core.createResourceMetadata({
      resource: issuer.audience,
      authorizationServers: [issuer.url],
      dpopSigningAlgValuesSupported: ['ES256', 'PS256'],
      dpopBoundAccessTokensRequired: true,
    });
    expect(JSON.parse(metadata.response.body)).toMatchObject({
      dpop_signing_alg_values_supported: ['ES256', 'PS256'],
      dpop_bound_access_tokens_required: true,
    });
    // The verifier that enforces it takes this document.
    const verifier = verifierOf(issuer, { dpop: { required: true }, resourceMetadata: metadata });
    expect(verifier.challenge).toMatchObject({
      resourceMetadata: metadata.url,
      dpop: { bearer: false },
    });
  });
});

describe('catalog: sdk-verifier.claims', () => {
  caseIt('authplane-agent-id-must-be-exposed-as-first-class-field', async () => {
    const auth = await verifierOf(issuer).verify(await issuer.mint({ agent_id: 'research-agent' }));
    expect(auth.claims.agent_id).toBe('research-agent');
    expect(auth).not.toHaveProperty('agentId');
  });

  caseIt('authplane-agent-chain-must-be-exposed-as-first-class-field', async () => {
    const chain = ['orchestrator', 'research-agent', 'summarizer'];
    const auth = await verifierOf(issuer).verify(await issuer.mint({ agent_chain: chain }));
    expect(auth.claims.agent_chain).toEqual(chain);
    expect(auth).not.toHaveProperty('agentChain');
  });

  caseIt('authplane-nbf-must-be-exposed-as-typed-field-on-verified-claims', async () => {
    const nbf = Math.floor(Date.now() / 1000) - 10;
    const verifier = verifierOf(issuer);
    expect((await verifier.verify(await issuer.mint({ nbf }))).claims.nbf).toBe(nbf);
    expect((await verifier.verify(await issuer.mint())).claims.nbf).toBeUndefined();
  });
});

describe('catalog: sdk-verifier.error-response', () => {
  caseIt('rfc6750-error-response-realm-should-be-included', async () => {
    const verifier = verifierOf(issuer, { realm: 'https://api.example.com' });
    const expired = await refusalOf(verifier.verify(await issuer.mint({}, { expiresIn: -120 })));
    expect(toHttpResponse(expired, verifier.challenge).headers['www-authenticate']).toMatch(
      /^Bearer realm="https:\/\/api\.example\.com", error="invalid_token"/,
    );
  });

  caseIt('rfc6750-error-response-must-map-error-codes', async () => {
    const verifier = verifierOf(issuer);
    const [header, payload] = (await issuer.mint()).split('.');
    const signature = (await issuer.mint()).split('.')[2];
    const expired = await refusalOf(verifier.verify(await issuer.mint({}, { expiresIn: -120 })));
    const badSignature = await refusalOf(verifier.verify(`${header}.${payload}.${signature}`));
    let insufficient: unknown;
    try {
      scopeGuard(['write'])(await verifier.verify(await issuer.mint({ scope: 'read' })));
    } catch (error) {
      insufficient = error;
    }
    const challengeOf = (error: unknown) =>
      toHttpResponse(error as core.GatehouseError).headers['www-authenticate'];
    expect(challengeOf(expired)).toMatch(
      /^Bearer error="invalid_token", error_description="[^"]+"$/,
    );
    expect(challengeOf(badSignature)).toMatch(
      /^Bearer error="invalid_token", error_description="[^"]+"$/,
    );
    expect(challengeOf(insufficient)).toMatch(
      /^Bearer error="insufficient_scope", error_description="[^"]+", scope="write"$/,
    );
    // A DPoP error (a proof by another key than the token's cnf.jkt): invalid_token on the DPoP
    // challenge, next to the Bearer one (RFC 9449 §7.1).
    const dpop = verifierOf(issuer, { dpop: true });
    const [holder, thief] = await Promise.all([createDpopKey(), createDpopKey()]);
    const bound = await issuer.mint({ cnf: { jkt: holder.jkt } });
    const url = 'https://api.example.com/resource';
    const stolen = await refusalOf(
      dpop.authenticate(`DPoP ${bound}`, {
        proof: thief.proof({ method: 'GET', url, accessToken: bound }),
        method: 'GET',
        url,
      }),
    );
    expect(toHttpResponse(stolen, dpop.challenge).headers['www-authenticate']).toMatch(
      /^Bearer, DPoP algs="[^"]+", error="invalid_token", error_description="[^"]+"$/,
    );
  });
});

describe('catalog: sdk-verifier.revocation (RFC 7662 introspection)', () => {
  let endpoint: IntrospectionServer;
  beforeAll(async () => {
    endpoint = await startIntrospectionServer();
  });
  afterAll(() => endpoint?.close());
  const introspecting = (extra: Record<string, unknown> = {}) =>
    createVerifier({
      issuer: {
        issuer: endpoint.issuer,
        introspection: {
          endpoint: endpoint.endpoint,
          clientId: 'rs',
          clientSecret: 's',
          cache: false,
          ...extra,
        },
      },
      audience: issuer.audience,
    });

  caseIt('rfc7662-verifier-active-false-must-reject-token', async () => {
    endpoint.answer = () => ({ body: { active: false } });
    const error = await refusalOf(introspecting().verify('opaque-token'));
    expect(toHttpResponse(error).status).toBe(401);
    expect(error.reason).toBe('token_inactive');
  });
  caseIt('rfc7662-introspection-fail-open-policy-must-be-explicitly-tested', async () => {
    endpoint.answer = () => ({ status: 500, body: { error: 'server_error' } });
    const error = await refusalOf(introspecting().verify('opaque-token'));
    expect(toHttpResponse(error).status).toBe(503);
    expect(error.code).toBe('temporarily_unavailable');
    // There is no way to fail open.
    expect(() => introspecting({ failOpen: true })).toThrow(GatehouseConfigError);
  });
});
