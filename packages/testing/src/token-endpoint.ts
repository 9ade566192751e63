import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TestClient } from './types.js';

const MAX_BODY_BYTES = 64 * 1024;

/** What the token endpoint asks the issuer to mint for an authenticated client. */
export interface ClientCredentialsGrant {
  client: TestClient;
  /** Granted scope, space-separated; absent when none was requested or configured. */
  scope?: string;
  /** RFC 8707 `resource` / `audience` values; empty for the client's default audience. */
  audiences: string[];
}

/** An OAuth error response (RFC 6749 §5.2). */
class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly description: string,
  ) {
    super(description);
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    pragma: 'no-cache',
    ...headers,
  });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the cap the body is read and dropped, so the client still gets its 400.
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        reject(new OAuthError(400, 'invalid_request', 'request body too large'));
      } else {
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    req.on('error', reject);
  });
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

// RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64.
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function credentials(
  req: IncomingMessage,
  form: URLSearchParams,
): { id: string; secret: string; basic: boolean } {
  const authorization = req.headers.authorization;
  const basic = authorization?.match(/^basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  const posted = form.has('client_id') || form.has('client_secret');
  if (authorization !== undefined && posted) {
    throw new OAuthError(400, 'invalid_request', 'use only one client authentication method');
  }
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError(401, 'invalid_client', 'malformed Basic credentials');
    try {
      return {
        id: formDecode(decoded.slice(0, colon)),
        secret: formDecode(decoded.slice(colon + 1)),
        basic: true,
      };
    } catch {
      throw new OAuthError(401, 'invalid_client', 'malformed Basic credentials');
    }
  }
  if (authorization !== undefined) {
    throw new OAuthError(401, 'invalid_client', 'unsupported client authentication');
  }
  return { id: form.get('client_id') ?? '', secret: form.get('client_secret') ?? '', basic: false };
}

function authenticate(req: IncomingMessage, form: URLSearchParams, clients: readonly TestClient[]) {
  const { id, secret } = credentials(req, form);
  const client = clients.find((candidate) => candidate.clientId === id);
  if (!client || !safeEqual(client.clientSecret, secret)) {
    throw new OAuthError(401, 'invalid_client', 'client authentication failed');
  }
  return client;
}

function grantedScope(client: TestClient, requested: string | null): string | undefined {
  if (requested === null) return client.scope || undefined;
  const wanted = requested.split(' ').filter(Boolean);
  const allowed = client.scope === undefined ? undefined : new Set(client.scope.split(' '));
  if (allowed && wanted.some((scope) => !allowed.has(scope))) {
    throw new OAuthError(400, 'invalid_scope', 'requested scope exceeds the client scope');
  }
  return wanted.length > 0 ? wanted.join(' ') : undefined;
}

function audiences(form: URLSearchParams): string[] {
  const resources = form.getAll('resource');
  for (const resource of resources) {
    // RFC 8707 §2: an absolute URI without a fragment.
    if (!URL.canParse(resource) || resource.includes('#')) {
      throw new OAuthError(
        400,
        'invalid_target',
        'resource must be an absolute URI without fragment',
      );
    }
  }
  return [...new Set([...resources, ...form.getAll('audience')])];
}

/**
 * Handles `POST <issuer>/token`: the client credentials grant (RFC 6749 §4.4) with
 * `client_secret_basic` or `client_secret_post` (§2.3.1), optional `scope` (a subset of the
 * client's), RFC 8707 `resource` and Auth0-style `audience`. Errors follow §5.2: `invalid_client`
 * 401 (with `WWW-Authenticate: Basic`), `invalid_request`, `unsupported_grant_type`,
 * `invalid_scope`, `invalid_target` 400.
 *
 * Does not: support any other grant, refresh tokens, or private_key_jwt / mTLS client auth.
 */
export async function handleTokenRequest(
  req: IncomingMessage,
  res: ServerResponse,
  clients: readonly TestClient[],
  issue: (grant: ClientCredentialsGrant) => Promise<{ accessToken: string; expiresIn: number }>,
): Promise<void> {
  try {
    if (req.method !== 'POST') {
      send(
        res,
        405,
        { error: 'invalid_request', error_description: 'use POST' },
        { allow: 'POST' },
      );
      return;
    }
    const type = req.headers['content-type']?.split(';')[0]?.trim().toLowerCase();
    const body = await readBody(req);
    if (type !== 'application/x-www-form-urlencoded') {
      throw new OAuthError(400, 'invalid_request', 'use application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(body);
    const client = authenticate(req, form, clients);
    const grantType = form.get('grant_type');
    if (!grantType) throw new OAuthError(400, 'invalid_request', 'grant_type is missing');
    if (grantType !== 'client_credentials') {
      throw new OAuthError(400, 'unsupported_grant_type', 'only client_credentials is supported');
    }
    const scope = grantedScope(client, form.get('scope'));
    const { accessToken, expiresIn } = await issue({ client, scope, audiences: audiences(form) });
    send(res, 200, {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: expiresIn,
      ...(scope === undefined ? {} : { scope }),
    });
  } catch (error) {
    if (res.headersSent || res.destroyed) return;
    if (!(error instanceof OAuthError)) {
      send(res, 500, { error: 'server_error', error_description: 'the test issuer failed' });
      return;
    }
    const headers: Record<string, string> =
      error.status === 401 ? { 'www-authenticate': 'Basic realm="gatehouse-test-issuer"' } : {};
    send(res, error.status, { error: error.code, error_description: error.description }, headers);
  }
}
