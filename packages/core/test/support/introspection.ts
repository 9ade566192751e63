import { afterEach, beforeEach } from 'vitest';
import { GatehouseError } from '../../src/errors.js';
import {
  createIntrospectingVerifier,
  type IntrospectingVerifierOptions,
} from '../../src/introspection/verifier.js';
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
  verifierWith(
    introspection?: Partial<IntrospectingVerifierOptions['introspection']>,
    options?: Partial<IntrospectingVerifierOptions>,
  ): ReturnType<typeof createIntrospectingVerifier>;
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
      createIntrospectingVerifier({
        issuer: fixture.as.issuer,
        audience: AUDIENCE,
        ...options,
        introspection: {
          endpoint: fixture.as.endpoint,
          clientId: 'gatehouse-rs',
          clientSecret: 'rs-secret',
          ...introspection,
        },
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
