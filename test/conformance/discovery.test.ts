import { createVerifier } from '@gatehouse/core';
import { createTestIssuer } from '@gatehouse/testing';
import { describe, expect } from 'vitest';
import { caseIt } from './catalog.js';
import { documentServer, expectRefusal } from './support.js';

// Catalog surface sdk-client.discovery, as far as a resource server discovers its issuer's keys.
// Each case serves the catalog's metadata shape from 127.0.0.1 (http is allowed for loopback).

const OIDC = '/.well-known/openid-configuration';
const verifierFor = (origin: string) =>
  createVerifier({
    issuer: origin,
    audience: 'https://api.example.test',
    keyFetch: { timeout: 2 },
  });

/** A token of `origin` (signature irrelevant: discovery fails before it matters). */
const tokenOf = (origin: string) =>
  `${Buffer.from('{"alg":"RS256","typ":"at+jwt","kid":"k"}').toString('base64url')}.${Buffer.from(
    JSON.stringify({
      iss: origin,
      aud: 'https://api.example.test',
      exp: Math.floor(Date.now() / 1000) + 60,
    }),
  ).toString('base64url')}.c2ln`;

async function refusedWithDocument(metadata: (origin: string) => Record<string, unknown>) {
  const server = await documentServer((origin) => ({ [OIDC]: { body: metadata(origin) } }));
  try {
    await expectRefusal(
      verifierFor(server.origin).verify(tokenOf(server.origin)),
      'temporarily_unavailable',
      'keys_unavailable',
    );
    expect(server.hits[OIDC]).toBeGreaterThanOrEqual(1);
  } finally {
    await server.close();
  }
}

describe('catalog: sdk-client.discovery', () => {
  caseIt('rfc8414-metadata-issuer-must-match-configured-issuer', () =>
    refusedWithDocument((origin) => ({
      issuer: 'https://evil.example.com',
      jwks_uri: `${origin}/jwks`,
    })),
  );

  caseIt('rfc8414-jwks-uri-required-for-jwt-validation', () =>
    refusedWithDocument((origin) => ({ issuer: origin })),
  );

  caseIt('rfc8414-metadata-must-contain-issuer', () =>
    refusedWithDocument((origin) => ({ jwks_uri: `${origin}/jwks` })),
  );

  caseIt('rfc8414-jwks-uri-must-be-absolute-https-url', async () => {
    await refusedWithDocument((origin) => ({ issuer: origin, jwks_uri: '/relative-jwks' }));
    await refusedWithDocument((origin) => ({
      issuer: origin,
      jwks_uri: 'http://auth.example.com/jwks',
    }));
  });

  caseIt('rfc8414-jwks-uri-rotation-must-reconfigure-jwks-cache', async () => {
    const keysV1 = await createTestIssuer();
    const keysV2 = await createTestIssuer();
    let version: 1 | 2 = 1;
    const server = await documentServer((origin) => ({
      [OIDC]: { body: { issuer: origin, jwks_uri: `${origin}/jwks-v${version}.json` } },
      '/jwks-v1.json':
        version === 1
          ? { body: { keys: keysV1.keys.map((k) => k.publicJwk) } }
          : { status: 404, body: {} },
      '/jwks-v2.json': { body: { keys: keysV2.keys.map((k) => k.publicJwk) } },
    }));
    try {
      const verifier = createVerifier({
        issuer: server.origin,
        audience: keysV1.audience,
        keyFetch: { cooldown: 0 },
      });
      await expect(
        verifier.verify(await keysV1.mint({ iss: server.origin })),
      ).resolves.toBeDefined();
      // Deliberate deviation: the metadata changes, and the old jwks_uri keeps being used while
      // it answers; once it answers 404, discovery runs again and the new one is bound.
      version = 2;
      await expect(
        verifier.verify(await keysV2.mint({ iss: server.origin })),
      ).resolves.toBeDefined();
      expect(server.hits['/jwks-v2.json']).toBeGreaterThanOrEqual(1);
      expect(server.hits[OIDC]).toBe(2);
    } finally {
      await Promise.all([server.close(), keysV1.close(), keysV2.close()]);
    }
  });

  caseIt('rfc8414-discovery-url-must-insert-well-known-before-issuer-path', async () => {
    const issuer = await createTestIssuer({ path: '/tenant-a', discovery: 'oauth' });
    try {
      const verifier = createVerifier({ issuer: issuer.url, audience: issuer.audience });
      await expect(verifier.verify(await issuer.mint())).resolves.toBeDefined();
      expect(new URL(issuer.wellKnown.oauth).pathname).toBe(
        '/.well-known/oauth-authorization-server/tenant-a',
      );
    } finally {
      await issuer.close();
    }
  });
});
