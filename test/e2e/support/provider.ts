import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Provider } from 'oidc-provider';
import { capturingExpectedWarnings } from './expected-warnings.js';

// Imported here, with its expected start-up notices captured (see expected-warnings.ts).
const { errors, Provider: ProviderClass } = await capturingExpectedWarnings(
  () => import('oidc-provider'),
);

/** The issuer has a path, like the documented banking platform's. */
export const ISSUER_PATH = '/a/consumer/api/v0/oidc';
/** Resource indicator (RFC 8707) of the API under test: the `aud` of its access tokens. */
export const API_RESOURCE = 'https://api.gatehouse.test/accounts';
/** Another resource server of the same provider: its tokens must not open our API. */
export const OTHER_RESOURCE = 'https://ledger.gatehouse.test';
/** URL-shaped scopes, as the banking platform uses them. */
export const URL_SCOPE = 'https://api.banno.com/consumer/auth/accounts.readonly';
export const URL_OFFLINE_SCOPE = 'https://api.banno.com/consumer/auth/offline_access';
export const API_SCOPES = ['accounts:read', 'transfers:write', URL_SCOPE, URL_OFFLINE_SCOPE];
/** The end user the headless login route signs in. */
export const USER = 'alice';

export interface ProviderClient {
  id: string;
  secret: string;
  redirectUri: string;
}

/** Resource servers' own credentials, for the introspection endpoint (RFC 7662 §2.1). */
export const RESOURCE_SERVER_CLIENTS = {
  basic: { id: 'gatehouse-rs-basic', secret: 'rs-basic-secret:%+' },
  post: { id: 'gatehouse-rs-post', secret: 'rs-post-secret' },
} as const;
/** A resource server registered for RFC 9701 signed introspection answers (RS256). */
export const JWT_ANSWERS_RESOURCE_SERVER = {
  id: 'gatehouse-rs-jwt-answers',
  secret: 'rs-jwt-answers-secret',
} as const;
/** A resource server authenticating with `private_key_jwt` (RFC 7523); its key is per run. */
export const JWT_RESOURCE_SERVER = 'gatehouse-rs-jwt';

/** oidc-provider 9 running in-process on 127.0.0.1, mounted under {@link ISSUER_PATH}. */
export interface RunningProvider {
  readonly issuer: string;
  readonly client: ProviderClient;
  /** Private JWK of {@link JWT_RESOURCE_SERVER} (ES256, with `kid`). */
  readonly resourceServerKey: JWK;
  /** `kid`s in the published JWKS; the first one signs new tokens. */
  readonly kids: readonly string[];
  /**
   * Rotates the signing key the way a deployment does: a new provider instance (same issuer,
   * same port, as after a redeploy) whose JWKS lists a new key first, so it signs, and keeps the
   * previous key published so tokens already issued stay verifiable.
   */
  rotateKeys(): Promise<void>;
  close(): Promise<void>;
}

interface SigningKey extends JWK {
  kid: string;
}

/** A JWK without its private members. */
const publicPart = ({ d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...rest }: JWK): JWK => rest;

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

/** Resource servers beyond the two built in: resource indicator → the scopes it grants. */
export type ExtraResources = Record<string, readonly string[]>;

function configuration(
  client: ProviderClient,
  keys: SigningKey[],
  extra: ExtraResources,
  opaque: readonly string[],
  resourceServerKey: JWK,
): Record<string, unknown> {
  const resourceServers: Record<string, { scope: string }> = {
    [API_RESOURCE]: { scope: API_SCOPES.join(' ') },
    [OTHER_RESOURCE]: { scope: 'ledger:read' },
    ...Object.fromEntries(
      Object.entries(extra).map(([resource, scopes]) => [resource, { scope: scopes.join(' ') }]),
    ),
  };
  const scopes = [
    ...new Set([
      'openid',
      'offline_access',
      ...API_SCOPES,
      'ledger:read',
      ...Object.values(extra).flat(),
    ]),
  ];
  return {
    scopes,
    clients: [
      {
        client_id: client.id,
        client_secret: client.secret,
        redirect_uris: [client.redirectUri],
        grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
        response_types: ['code'],
        scope: scopes.join(' '),
        token_endpoint_auth_method: 'client_secret_basic',
      },
      // Resource servers: no grants, they only introspect.
      ...Object.entries(RESOURCE_SERVER_CLIENTS).map(([method, rs]) => ({
        client_id: rs.id,
        client_secret: rs.secret,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: `client_secret_${method}`,
      })),
      {
        client_id: JWT_ANSWERS_RESOURCE_SERVER.id,
        client_secret: JWT_ANSWERS_RESOURCE_SERVER.secret,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'client_secret_basic',
        introspection_signed_response_alg: 'RS256',
      },
      {
        client_id: JWT_RESOURCE_SERVER,
        grant_types: [],
        response_types: [],
        redirect_uris: [],
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [publicPart(resourceServerKey)] },
      },
    ],
    jwks: { keys },
    cookies: { keys: [randomUUID()] },
    pkce: { required: () => true },
    findAccount: (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: () => ({ sub: id, name: 'Alice Example' }),
    }),
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Explicit policies (oidc-provider prints a notice for its defaults): resource servers,
      // which authenticate, may introspect any token; a client may revoke its own tokens.
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx: unknown, caller: { clientAuthMethod: string }) =>
          caller.clientAuthMethod !== 'none',
      },
      // RFC 9701: signed answers for resource servers registered for them, when they ask.
      jwtIntrospection: { enabled: true },
      revocation: {
        enabled: true,
        allowedPolicy: (
          _ctx: unknown,
          caller: { clientId: string },
          token: { clientId?: string },
        ) => token.clientId === caller.clientId,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => API_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          const server = resourceServers[indicator];
          if (!server) throw new errors.InvalidTarget();
          // 10-minute JWT access tokens (RFC 9068), like the banking platform's.
          return {
            ...server,
            audience: indicator,
            accessTokenTTL: 600,
            accessTokenFormat: opaque.includes(indicator) ? 'opaque' : 'jwt',
          };
        },
      },
    },
    // The banking platform hands out refresh tokens for its URL-shaped offline scope as well as
    // for OIDC's `offline_access`.
    issueRefreshToken: (
      _ctx: unknown,
      registered: { grantTypeAllowed(type: string): boolean },
      code: { scopes: Set<string> },
    ) =>
      registered.grantTypeAllowed('refresh_token') &&
      (code.scopes.has('offline_access') || code.scopes.has(URL_OFFLINE_SCOPE)),
    ttl: {
      AccessToken: 600,
      ClientCredentials: 600,
      Grant: 3600,
      IdToken: 600,
      Interaction: 600,
      RefreshToken: 86_400,
      Session: 3600,
    },
  };
}

/**
 * Signs in {@link USER} and grants whatever is asked, without a page: the headless stand-in
 * for the provider's login and consent screens.
 */
async function finishInteraction(provider: Provider, req: IncomingMessage, res: ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: USER } });
    return;
  }
  const missing = details.prompt.details as {
    missingOIDCScope?: string[];
    missingOIDCClaims?: string[];
    missingResourceScopes?: Record<string, string[]>;
  };
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({
        accountId: details.session?.accountId ?? USER,
        clientId: String(details.params['client_id']),
      });
  if (!grant) throw new Error('grant vanished during the interaction');
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
    grant.addResourceScope(resource, scopes.join(' '));
  }
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } });
}

/**
 * Starts oidc-provider on 127.0.0.1, port 0, with its issuer at {@link ISSUER_PATH}; `extra`
 * adds resource servers (RFC 8707 indicators) such as an MCP server's canonical URI, and the
 * resources in `opaque` get opaque access tokens (for introspection, RFC 7662) instead of JWTs.
 */
export async function startProvider(
  extra: ExtraResources = {},
  opaque: readonly string[] = [],
): Promise<RunningProvider> {
  let current: { provider: Provider; handle: ReturnType<Provider['callback']> } | undefined;
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (!current) {
      res.writeHead(503).end();
    } else if (url.startsWith('/interaction/')) {
      finishInteraction(current.provider, req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    } else if (url.startsWith(ISSUER_PATH)) {
      // Mounting as oidc-provider's docs describe: it reads the mount path from `originalUrl`.
      Object.assign(req, { originalUrl: url, url: url.slice(ISSUER_PATH.length) || '/' });
      current.handle(req, res);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const issuer = `${origin}${ISSUER_PATH}`;
  const client: ProviderClient = {
    id: 'gatehouse-e2e',
    secret: randomUUID(),
    redirectUri: `${origin}/callback`,
  };
  let keys = [await newSigningKey()];
  const rsKeys = await generateKeyPair('ES256', { extractable: true });
  const resourceServerKey = { ...(await exportJWK(rsKeys.privateKey)), kid: randomUUID() };

  const boot = () =>
    capturingExpectedWarnings(() => {
      const provider = new ProviderClass(
        issuer,
        configuration(client, keys, extra, opaque, resourceServerKey),
      );
      current = { provider, handle: provider.callback() };
    });
  await boot();

  return {
    issuer,
    client,
    resourceServerKey,
    get kids() {
      return keys.map((key) => key.kid);
    },
    async rotateKeys() {
      keys = [await newSigningKey(), ...keys];
      await boot();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
