import { afterEach, beforeEach } from 'vitest';
import { GatehouseError } from '../../src/errors.js';
import type { IntrospectionOptions } from '../../src/introspection/options.js';
import type { VerifierOptions } from '../../src/options.js';
import type { Verifier } from '../../src/verifier.js';
import { createVerifier } from '../../src/verify.js';
import { type IntrospectionServer, startIntrospectionServer } from './introspection-endpoint.js';

export const AUDIENCE = 'https://api.example.test';
/** An RFC 6750 §2.1 b64token that is not a JWS: it goes to the endpoint. */
export const OPAQUE = 'mF_9.B5f-4.1JqM';
export const now = () => Math.floor(Date.now() / 1000);

/** A fresh loopback introspection endpoint per test, and verifiers pointed at it. */
export interface IntrospectionFixture {
  as: IntrospectionServer;
  /** An `active: true` answer for {@link AUDIENCE} from this issuer, with `extra` members. */
  activeFor(extra?: Record<string, unknown>): Record<string, unknown>;
  /** `createVerifier` trusting this issuer, with `introspection` in its issuer entry. */
  verifierWith(
    introspection?: Partial<IntrospectionOptions>,
    options?: Partial<VerifierOptions>,
  ): Verifier;
}

export function useIntrospectionServer(): IntrospectionFixture {
  const fixture: IntrospectionFixture = {
    as: undefined as unknown as IntrospectionServer,
    activeFor: (extra = {}) => ({
      active: true,
      iss: fixture.as.issuer,
      aud: AUDIENCE,
      sub: 'ada',
      client_id: 'notes-app',
      scope: 'notes:read notes:write',
      token_type: 'Bearer',
      exp: now() + 600,
      iat: now(),
      ...extra,
    }),
    verifierWith: (introspection = {}, options = {}) =>
      createVerifier({
        issuer: {
          issuer: fixture.as.issuer,
          introspection: {
            endpoint: fixture.as.endpoint,
            clientId: 'gatehouse-rs',
            clientSecret: 'rs-secret',
            ...introspection,
          },
        },
        audience: AUDIENCE,
        ...options,
      }),
  };
  beforeEach(async () => {
    fixture.as = await startIntrospectionServer();
  });
  afterEach(async () => {
    await fixture.as.close();
  });
  return fixture;
}

/** The `GatehouseError` `promise` rejects with; fails the test if it resolves. */
export async function refusal(promise: Promise<unknown>): Promise<GatehouseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatehouseError) return error;
    throw error;
  }
  throw new Error('accepted');
}
