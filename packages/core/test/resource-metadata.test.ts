import { describe, expect, it } from 'vitest';
import { GatehouseConfigError } from '../src/config-error.js';
import { GatehouseError, toHttpResponse } from '../src/errors.js';
import {
  answerMetadataRequest,
  createResourceMetadata,
  isResourceMetadata,
  toResourceMetadata,
} from '../src/resource-metadata.js';
import { createVerifier } from '../src/verify.js';

const AS = 'https://as.example.test';

const configIssues = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof GatehouseConfigError) return error.issues;
    throw error;
  }
  throw new Error('no GatehouseConfigError');
};

describe('createResourceMetadata (RFC 9728)', () => {
  it('builds the §2 document with bearer_methods_supported ["header"] by default', () => {
    const metadata = createResourceMetadata({
      resource: 'https://api.example.test',
      authorizationServers: [AS],
      scopesSupported: ['notes:read', 'https://api.example.test/scopes/write'],
      resourceName: 'Notes API',
      resourceDocumentation: 'https://docs.example.test/notes',
      resourcePolicyUri: 'https://example.test/policy',
      resourceTosUri: 'https://example.test/tos',
      resourceSigningAlgValuesSupported: ['ES256'],
      dpopSigningAlgValuesSupported: ['ES256', 'PS256'],
      dpopBoundAccessTokensRequired: true,
    });
    expect(JSON.parse(metadata.response.body)).toEqual({
      resource: 'https://api.example.test',
      authorization_servers: [AS],
      bearer_methods_supported: ['header'],
      scopes_supported: ['notes:read', 'https://api.example.test/scopes/write'],
      resource_name: 'Notes API',
      resource_documentation: 'https://docs.example.test/notes',
      resource_policy_uri: 'https://example.test/policy',
      resource_tos_uri: 'https://example.test/tos',
      resource_signing_alg_values_supported: ['ES256'],
      dpop_signing_alg_values_supported: ['ES256', 'PS256'],
      dpop_bound_access_tokens_required: true,
    });
    expect(Object.isFrozen(metadata.document)).toBe(true);
  });

  it('leaves out what is not configured (no empty members)', () => {
    const metadata = createResourceMetadata({
      resource: 'https://api.example.test',
      authorizationServers: [AS],
    });
    expect(Object.keys(metadata.document).sort()).toEqual([
      'authorization_servers',
      'bearer_methods_supported',
      'resource',
    ]);
  });

  it.each([
    ['https://api.example.test', '/.well-known/oauth-protected-resource'],
    ['https://api.example.test/', '/.well-known/oauth-protected-resource'],
    ['https://api.example.test/mcp', '/.well-known/oauth-protected-resource/mcp'],
    ['https://api.example.test/v1/notes/', '/.well-known/oauth-protected-resource/v1/notes/'],
    ['https://api.example.test:8443/mcp', '/.well-known/oauth-protected-resource/mcp'],
  ])('§3.1: %s is described at %s', (resource, path) => {
    const metadata = createResourceMetadata({ resource, authorizationServers: [AS] });
    expect(metadata.path).toBe(path);
    expect(metadata.url).toBe(new URL(resource).origin + path);
    // §3.3: the document names the resource exactly as the client will compare it.
    expect(metadata.document.resource).toBe(resource);
  });

  it('answers GET and HEAD on its path only, with a public cache lifetime and JSON', () => {
    const metadata = createResourceMetadata({
      resource: 'https://api.example.test/mcp',
      authorizationServers: [AS],
      maxAge: '10m',
    });
    const answer = answerMetadataRequest(metadata, 'GET', metadata.path);
    expect(answer?.status).toBe(200);
    expect(answer?.headers).toMatchObject({
      'content-type': 'application/json',
      'cache-control': 'public, max-age=600',
    });
    expect(answerMetadataRequest(metadata, 'HEAD', metadata.path)).toBe(answer);
    expect(answerMetadataRequest(metadata, 'POST', metadata.path)).toBeUndefined();
    expect(
      answerMetadataRequest(metadata, 'GET', '/.well-known/oauth-protected-resource'),
    ).toBeUndefined();
    expect(answerMetadataRequest(metadata, 'GET', `${metadata.path}/x`)).toBeUndefined();
  });

  it('defaults to one hour of caching', () => {
    const metadata = createResourceMetadata({
      resource: 'https://api.example.test',
      authorizationServers: [AS],
    });
    expect(metadata.response.headers['cache-control']).toBe('public, max-age=3600');
  });

  it.each([
    [{ resource: 'not a url' }, 'resource'],
    [{ resource: 'http://api.example.test' }, 'resource'],
    [{ resource: 'https://api.example.test/?tenant=a' }, 'resource'],
    [{ resource: 'https://api.example.test/#frag' }, 'resource'],
    [{ authorizationServers: [] }, 'createResourceMetadata().authorizationServers'],
    [{ authorizationServers: ['http://as.example.test'] }, 'authorizationServers.0'],
    [{ scopesSupported: ['two words'] }, 'createResourceMetadata().scopesSupported.0'],
    [
      { resourceSigningAlgValuesSupported: ['none'] },
      'createResourceMetadata().resourceSigningAlgValuesSupported.0',
    ],
    [
      { dpopSigningAlgValuesSupported: ['HS256'] },
      'createResourceMetadata().dpopSigningAlgValuesSupported.0',
    ],
    [
      { dpopSigningAlgValuesSupported: ['none'] },
      'createResourceMetadata().dpopSigningAlgValuesSupported.0',
    ],
    [
      { dpopSigningAlgValuesSupported: [] },
      'createResourceMetadata().dpopSigningAlgValuesSupported',
    ],
    [
      { dpopBoundAccessTokensRequired: 'yes' },
      'createResourceMetadata().dpopBoundAccessTokensRequired',
    ],
    [{ resourceDocumentation: 'docs' }, 'createResourceMetadata().resourceDocumentation'],
    [{ maxAge: 'forever' }, 'createResourceMetadata().maxAge'],
    [{ jwksUri: 'https://api.example.test/jwks' }, 'createResourceMetadata()'],
  ])('refuses %j, naming %s', (override, path) => {
    const issues = configIssues(() =>
      createResourceMetadata({
        resource: 'https://api.example.test',
        authorizationServers: [AS],
        ...(override as object),
      }),
    );
    expect(issues.map((issue) => issue.path)).toContain(path);
  });

  it('allows http for loopback resources (tests) and with allowInsecureRequests', () => {
    expect(
      createResourceMetadata({ resource: 'http://127.0.0.1:8080/mcp', authorizationServers: [AS] })
        .url,
    ).toBe('http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp');
    expect(
      createResourceMetadata({
        resource: 'http://api.internal',
        authorizationServers: ['http://as.internal'],
        allowInsecureRequests: true,
      }).resource,
    ).toBe('http://api.internal');
  });

  it('toResourceMetadata accepts a built document or its options', () => {
    const options = { resource: 'https://api.example.test', authorizationServers: [AS] };
    const built = createResourceMetadata(options);
    expect(toResourceMetadata(built)).toBe(built);
    expect(toResourceMetadata(options).url).toBe(built.url);
    expect(isResourceMetadata(options)).toBe(false);
  });
});

describe('resourceMetadata option of the verifier (RFC 9728 §5.1)', () => {
  const metadata = createResourceMetadata({
    resource: 'https://api.example.test/mcp',
    authorizationServers: [AS],
  });

  it('puts the document URL on every challenge', () => {
    const verifier = createVerifier({
      issuer: AS,
      audience: metadata.resource,
      resourceMetadata: metadata,
    });
    expect(verifier.challenge.resourceMetadata).toBe(
      'https://api.example.test/.well-known/oauth-protected-resource/mcp',
    );
    for (const error of [
      new GatehouseError('unauthorized', 'missing_credentials', 'x'),
      new GatehouseError('invalid_token', 'expired', 'x'),
      new GatehouseError('insufficient_scope', 'insufficient_scope', 'x', { scope: ['a'] }),
    ]) {
      expect(toHttpResponse(error, verifier.challenge).headers['www-authenticate']).toContain(
        `resource_metadata="${metadata.url}"`,
      );
    }
  });

  it('still takes a plain URL', () => {
    const verifier = createVerifier({
      issuer: AS,
      audience: 'https://api.example.test',
      resourceMetadata: 'https://api.example.test/.well-known/oauth-protected-resource',
    });
    expect(verifier.challenge.resourceMetadata).toBe(
      'https://api.example.test/.well-known/oauth-protected-resource',
    );
  });

  it('refuses a document whose resource is not an audience, or whose servers are not issuers', () => {
    const issues = configIssues(() =>
      createVerifier({
        issuer: 'https://other-as.example.test',
        audience: 'https://api.example.test/other',
        resourceMetadata: metadata,
      }),
    );
    expect(issues.map((issue) => issue.path)).toEqual([
      'resourceMetadata.resource',
      'resourceMetadata.authorizationServers.0',
    ]);
  });

  it('refuses a document whose DPoP fields promise what the verifier does not do', () => {
    const dpopMetadata = createResourceMetadata({
      resource: 'https://api.example.test/mcp',
      authorizationServers: [AS],
      dpopSigningAlgValuesSupported: ['ES256', 'PS512'],
      dpopBoundAccessTokensRequired: true,
    });
    const base = { issuer: AS, audience: 'https://api.example.test/mcp' };
    const paths = (dpop: unknown) =>
      configIssues(() =>
        createVerifier({ ...base, resourceMetadata: dpopMetadata, dpop: dpop as never }),
      ).map((issue) => `${issue.path}: ${issue.message}`);
    expect(paths(undefined)).toEqual([
      'resourceMetadata.dpopBoundAccessTokensRequired: is true but `dpop.required` is false',
      'resourceMetadata.dpopSigningAlgValuesSupported.0: is published but the `dpop` option is off',
      'resourceMetadata.dpopSigningAlgValuesSupported.1: is published but the `dpop` option is off',
    ]);
    expect(paths(true)).toEqual([
      'resourceMetadata.dpopBoundAccessTokensRequired: is true but `dpop.required` is false',
      'resourceMetadata.dpopSigningAlgValuesSupported.1: must be one of `dpop.algorithms`',
    ]);
    // What the document says is what the verifier does: accepted.
    const verifier = createVerifier({
      ...base,
      resourceMetadata: dpopMetadata,
      dpop: { required: true, algorithms: ['ES256', 'PS512'] },
    });
    expect(verifier.challenge.dpop).toMatchObject({ bearer: false });
  });

  it('refuses something that is neither a URL nor a document', () => {
    const issues = configIssues(() =>
      createVerifier({
        issuer: AS,
        audience: 'https://api.example.test/mcp',
        resourceMetadata: { resource: 'https://api.example.test/mcp' } as never,
      }),
    );
    expect(issues.map((issue) => issue.path)).toEqual(['resourceMetadata']);
  });
});
