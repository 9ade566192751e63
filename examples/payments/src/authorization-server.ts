// Stands in for your authorization server (Keycloak, Okta, a bank's platform…): an issuer with
// discovery and a JWKS (`@gatehouse/testing`), plus a small RFC 7662 introspection endpoint that
// knows every token it issued, opaque or JWT, and which ones were revoked. In production you
// configure the API with your server's issuer URL and the API's client credentials; none of
// this file is needed.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestIssuer } from '@gatehouse/testing';

export interface EmbeddedAuthorizationServer {
  issuer: string;
  audience: string;
  introspectionEndpoint: string;
  /** The payments API's credentials at the introspection endpoint. */
  client: { id: string; secret: string };
  /** An opaque access token (random; only the introspection endpoint knows what it means). */
  issueOpaque(claims?: Record<string, unknown>): string;
  /** A signed JWT access token, also known to the introspection endpoint. */
  issueJwt(claims?: Record<string, unknown>): Promise<string>;
  /** Revokes a token: the endpoint answers `active: false` for it from now on. */
  revoke(token: string): void;
  close(): Promise<void>;
}

const now = () => Math.floor(Date.now() / 1000);

export async function startAuthorizationServer(): Promise<EmbeddedAuthorizationServer> {
  const issuer = await createTestIssuer();
  const client = { id: 'payments-api', secret: randomBytes(16).toString('hex') };
  const issued = new Map<string, Record<string, unknown>>();
  const revoked = new Set<string>();
  const base = () => ({
    iss: issuer.url,
    aud: issuer.audience,
    sub: 'alice',
    client_id: 'mobile-app',
    iat: now(),
    exp: now() + 600,
  });

  const endpoint = createServer(async (req, res) => {
    const answer = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.method !== 'POST' || req.url !== '/introspect') return answer(404, {});
    const expected = `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return answer(401, { error: 'invalid_client' });
    const token = new URLSearchParams(await body(req)).get('token') ?? '';
    const claims = issued.get(token);
    const active = claims !== undefined && !revoked.has(token) && Number(claims.exp) > now();
    answer(200, active ? { active: true, token_type: 'Bearer', ...claims } : { active: false });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  const { port } = endpoint.address() as AddressInfo;

  return {
    issuer: issuer.url,
    audience: issuer.audience,
    introspectionEndpoint: `http://127.0.0.1:${port}/introspect`,
    client,
    issueOpaque(claims = {}) {
      const token = randomBytes(32).toString('base64url');
      issued.set(token, { ...base(), ...claims });
      return token;
    },
    async issueJwt(claims = {}) {
      const all = { ...base(), ...claims };
      const token = await issuer.mint(all);
      issued.set(token, all);
      return token;
    },
    revoke: (token) => revoked.add(token),
    async close() {
      endpoint.closeAllConnections();
      await new Promise((resolve) => endpoint.close(resolve));
      await issuer.close();
    },
  };
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
