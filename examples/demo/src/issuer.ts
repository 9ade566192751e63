import { randomBytes } from 'node:crypto';
import { createTestIssuer, type TestIssuer } from '@gatehouse/testing';

/** The audience (resource indicator) of the demo API. */
export const DEMO_AUDIENCE = 'https://accounts.demo.gatehouse.test';
/** The demo end user, and the web app that obtained her tokens. */
export const DEMO_SUBJECT = 'alice';
export const DEMO_WEB_CLIENT = 'demo-web-app';
/** A back-office client with its own credentials: client credentials grant, read only. */
export const REPORTING_CLIENT = 'demo-reporting';

/** The credentials of the reporting client (its secret is random per run). */
export interface DemoClient {
  clientId: string;
  clientSecret: string;
  scope: string;
}

/** The tokens the demo prints; each is a real JWT signed by the demo issuer. */
export interface DemoTokens {
  /** Alice, scopes `accounts:read transfers:write`. */
  user: string;
  /** Alice, no scope at all. */
  noScope: string;
  /** Alice, full scopes, expired five minutes ago. */
  expired: string;
  /** The reporting client, from the issuer's token endpoint (RFC 6749 §4.4). */
  client: string;
}

/** Starts the local authorization server of the demo on 127.0.0.1 (a random port). */
export async function startDemoIssuer(): Promise<{ issuer: TestIssuer; client: DemoClient }> {
  const client: DemoClient = {
    clientId: REPORTING_CLIENT,
    clientSecret: randomBytes(18).toString('base64url'),
    scope: 'accounts:read',
  };
  const issuer = await createTestIssuer({ audience: DEMO_AUDIENCE, clients: [client] });
  return { issuer, client };
}

/**
 * Mints the user tokens and asks the token endpoint for a client-credentials token, the way a
 * back-office job would: `client_secret_basic`, `grant_type=client_credentials`.
 */
export async function obtainDemoTokens(
  issuer: TestIssuer,
  client: DemoClient,
): Promise<DemoTokens> {
  const now = Math.floor(Date.now() / 1000);
  const alice = { sub: DEMO_SUBJECT, client_id: DEMO_WEB_CLIENT };
  const fullScope = 'accounts:read transfers:write';
  const response = await fetch(issuer.tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: client.scope }),
  });
  const body = (await response.json()) as { access_token?: unknown };
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new Error(`the demo issuer's token endpoint answered ${response.status}`);
  }
  return {
    user: await issuer.mint({ ...alice, scope: fullScope }),
    noScope: await issuer.mint({ ...alice, scope: undefined }),
    expired: await issuer.mint({ ...alice, scope: fullScope, iat: now - 900, exp: now - 300 }),
    client: body.access_token,
  };
}
