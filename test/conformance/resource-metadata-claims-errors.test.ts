import * as core from '@gatehouse/core';
import { createVerifier, GatehouseConfigError, toHttpResponse } from '@gatehouse/core';
import { scopeGuard } from '@gatehouse/core/adapter';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type CaseId, caseIt } from './catalog.js';
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

/** Today: the challenge can point at a metadata document, but Gatehouse serves none. */
async function noMetadataDocument(): Promise<void> {
  const verifier = verifierOf(issuer, {
    resourceMetadata: 'https://api.example.test/.well-known/oauth-protected-resource',
  });
  const error = await refusalOf(verifier.authenticate(undefined));
  expect(toHttpResponse(error, verifier.challenge).headers['www-authenticate']).toContain(
    'resource_metadata="https://api.example.test/.well-known/oauth-protected-resource"',
  );
  expect(
    Object.keys(core).filter((name) => /protected.?resource|resourcemetadata|prm/i.test(name)),
  ).toEqual([]);
}

const PRM_CASES: CaseId[] = [
  'rfc9728-prm-must-contain-required-fields',
  'rfc9728-prm-authorization-servers-must-list-the-issuer',
  'rfc9728-prm-supported-bearer-methods-should-be-stable',
  'rfc9728-well-known-path-must-derive-from-resource-uri',
  'rfc9728-prm-dpop-fields-should-be-advertised-when-dpop-is-supported',
  'rfc9728-prm-must-advertise-dpop-required-when-resource-requires-dpop',
];

describe('catalog: sdk-resource-metadata (not supported yet)', () => {
  for (const id of PRM_CASES) caseIt(id, noMetadataDocument);
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
  });
});

describe('catalog: sdk-verifier.revocation (not supported yet)', () => {
  const introspection = {
    endpoint: `https://as.example.test/introspect`,
    clientId: 'rs',
    clientSecret: 's',
  };
  caseIt('rfc7662-verifier-active-false-must-reject-token', () => {
    expect(() =>
      createVerifier({ issuer: issuer.url, audience: issuer.audience, introspection } as never),
    ).toThrow(GatehouseConfigError);
  });
  caseIt('rfc7662-introspection-fail-open-policy-must-be-explicitly-tested', () => {
    expect(() =>
      createVerifier({
        issuer: issuer.url,
        audience: issuer.audience,
        introspection: { ...introspection, failOpen: true },
      } as never),
    ).toThrow(GatehouseConfigError);
  });
});
