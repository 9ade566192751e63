import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  applyFault,
  type FaultRoute,
  faultApplies,
  type PendingTimers,
  validateFault,
} from './faults.js';
import { type JwsPayload, signCompact } from './jws.js';
import { generateSigningKey, pickKey } from './keys.js';
import {
  buildMetadata,
  type IssuerEndpoints,
  issuerEndpoints,
  servesDocument,
  tenantEndpoints,
} from './metadata.js';
import { buildAccessToken, buildIdToken, type MintContext, type UnsignedJwt } from './mint.js';
import { resolveOptions } from './options.js';
import { isTenantId, RouteTable, TENANT_PLACEHOLDER } from './routes.js';
import { handleTokenRequest } from './token-endpoint.js';
import type {
  Alg,
  Fault,
  MintOptions,
  RequestCounters,
  SigningKey,
  SignOptions,
  TestIssuer,
  TestIssuerOptions,
} from './types.js';

type Route = 'oidc' | 'oauth' | 'jwks' | 'token' | 'authorize' | 'other';

const FAULT_ROUTE: Record<Route, FaultRoute> = {
  oidc: 'discovery',
  oauth: 'discovery',
  jwks: 'jwks',
  token: 'token',
  authorize: 'other',
  other: 'other',
};

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Starts an in-process OAuth 2.0 / OIDC authorization server on 127.0.0.1 (a free port) for
 * tests and demos. Defaults: path '', one RS256 key (2048-bit), audience
 * 'https://api.example.test', both discovery documents, client 'test-client' / 'test-secret',
 * tokens valid 600 s, JWKS `Cache-Control: max-age=600`.
 *
 * Routes: `<url>/.well-known/openid-configuration` (OIDC Discovery §4),
 * `<origin>/.well-known/oauth-authorization-server<path>` (RFC 8414 §3.1), `<url>/jwks`,
 * `<url>/token` (client credentials, RFC 6749 §4.4). Throws a TypeError naming the option when
 * an option is invalid.
 *
 * Does not: listen on any other address, persist keys, or serve TLS.
 */
export async function createTestIssuer(options?: TestIssuerOptions): Promise<TestIssuer> {
  const config = resolveOptions(options);
  let keys: SigningKey[] = await Promise.all(
    config.algorithms.map((alg) => generateSigningKey(alg)),
  );
  let fault: Fault | null = null;
  const counters: RequestCounters = { discovery: 0, jwks: 0, token: 0, total: 0 };
  const timers: PendingTimers = new Set();
  const sockets = new Set<Socket>();
  let closing: Promise<void> | undefined;

  const server = createServer((req, res) => handle(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const endpoints = issuerEndpoints(origin, config.path, config);
  const multiTenant = config.path.includes(TENANT_PLACEHOLDER);
  // `new URL` would percent-encode the placeholder's braces: cut the origin off instead.
  const pathOf = (url: string) => url.slice(origin.length);
  const routes = new RouteTable<Route>()
    .add(pathOf(endpoints.openidConfiguration), 'oidc')
    .add(pathOf(endpoints.oauthAuthorizationServer), 'oauth')
    .add(pathOf(endpoints.jwksUri), 'jwks')
    .add(pathOf(endpoints.tokenEndpoint), 'token')
    .add(pathOf(endpoints.authorizationEndpoint), 'authorize');
  const endpointsOf = (tenant: string | undefined): IssuerEndpoints =>
    tenant === undefined ? endpoints : tenantEndpoints(endpoints, tenant);
  const mintContext = (tenant: string | undefined): MintContext => ({
    issuer: endpointsOf(tenant).issuer,
    audience: config.audience,
    ttl: config.accessTokenTtl,
  });
  const metadata = (tenant?: string) =>
    buildMetadata(
      endpointsOf(tenant),
      keys.map((key) => key.alg),
      config.clients,
    );
  const sign = (jwt: UnsignedJwt, key: SigningKey) => signCompact(jwt.header, jwt.payload, { key });

  /** The tenant a mint call names: required by a multi-tenant issuer, refused by others. */
  function tenantOf(options: MintOptions): string | undefined {
    const { tenant } = options;
    if (!multiTenant) {
      if (tenant !== undefined) {
        throw new TypeError('@gatehouse/testing: options.tenant needs a path with {tenantid}');
      }
      return undefined;
    }
    if (!isTenantId(tenant)) {
      throw new TypeError(
        '@gatehouse/testing: this issuer is multi-tenant: options.tenant must be a tenant id',
      );
    }
    return tenant;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    // Split rather than `new URL(req.url, base)`: a request target like `//x` is a path here.
    const match = routes.match((req.url ?? '/').split('?')[0] ?? '/');
    const route = match?.route ?? 'other';
    const tenant = match?.tenant;
    counters.total += 1;
    if (route === 'oidc' || route === 'oauth') counters.discovery += 1;
    if (route === 'jwks' || route === 'token') counters[route] += 1;
    if (faultApplies(fault, FAULT_ROUTE[route])) {
      applyFault(fault, req, res, timers, () => answer(route, tenant, req, res));
      return;
    }
    answer(route, tenant, req, res);
  }

  function answer(
    route: Route,
    tenant: string | undefined,
    req: IncomingMessage,
    res: ServerResponse,
  ): void {
    if (route === 'token') {
      void handleTokenRequest(req, res, config.clients, async (grant) => {
        const audience = grant.audiences.length > 0 ? grant.audiences : grant.client.audience;
        const claims: Record<string, unknown> = {
          sub: grant.client.clientId,
          client_id: grant.client.clientId,
          aud:
            audience === undefined
              ? config.audience
              : audience.length === 1
                ? audience[0]
                : audience,
        };
        if (grant.scope !== undefined) claims.scope = grant.scope;
        const key = pickKey(keys);
        const accessToken = await sign(buildAccessToken(mintContext(tenant), key, claims, {}), key);
        return { accessToken, expiresIn: config.accessTokenTtl };
      });
      return;
    }
    if (route === 'other') {
      sendJson(res, 404, { error: 'not_found' });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: 'method_not_allowed' }, { allow: 'GET, HEAD' });
      return;
    }
    if (route === 'authorize') {
      sendJson(res, 400, {
        error: 'unsupported_response_type',
        error_description: 'this test issuer issues tokens only via the token endpoint and mint()',
      });
    } else if (route === 'jwks') {
      sendJson(
        res,
        200,
        { keys: keys.map((key) => key.publicJwk) },
        { 'cache-control': `max-age=${config.jwksMaxAge}` },
      );
    } else if (servesDocument(config.discovery, route)) {
      sendJson(res, 200, metadata(tenant));
    } else {
      sendJson(res, 404, { error: 'not_found' });
    }
  }

  async function addKey(alg: Alg, position: 'first' | 'last'): Promise<SigningKey> {
    const key = await generateSigningKey(alg);
    keys = position === 'first' ? [key, ...keys] : [...keys, key];
    return key;
  }

  function close(): Promise<void> {
    closing ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolve());
      server.closeAllConnections();
      // Also sockets that never sent a complete request, which closeAllConnections skips.
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  }

  return {
    url: endpoints.issuer,
    origin,
    issuerFor(tenant) {
      if (!multiTenant) throw new TypeError('@gatehouse/testing: this issuer has no tenants');
      if (!isTenantId(tenant)) throw new TypeError('@gatehouse/testing: not a tenant id');
      return endpointsOf(tenant).issuer;
    },
    jwksUri: endpoints.jwksUri,
    tokenEndpoint: endpoints.tokenEndpoint,
    audience: config.audience,
    wellKnown: Object.freeze({
      oidc: endpoints.openidConfiguration,
      oauth: endpoints.oauthAuthorizationServer,
    }),
    get metadata() {
      return metadata();
    },
    requests: counters,
    resetCounters() {
      counters.discovery = 0;
      counters.jwks = 0;
      counters.token = 0;
      counters.total = 0;
    },
    get keys() {
      return [...keys];
    },
    get clients() {
      return config.clients.map((client) => ({ ...client }));
    },
    get fault() {
      return fault === null ? null : { ...fault };
    },
    async mint(claims = {}, mintOptions = {}) {
      const key = pickKey(keys, mintOptions.kid, mintOptions.alg);
      const context = mintContext(tenantOf(mintOptions));
      return sign(buildAccessToken(context, key, claims, mintOptions), key);
    },
    async mintIdToken(claims = {}, idOptions = {}) {
      const key = pickKey(keys, idOptions.kid, idOptions.alg);
      return sign(buildIdToken(mintContext(tenantOf(idOptions)), key, claims, idOptions), key);
    },
    async sign(header, payload: JwsPayload, signOptions: SignOptions = {}) {
      const headerKid = keys.some((key) => key.kid === header.kid)
        ? (header.kid as string)
        : undefined;
      const headerAlg = keys.some((key) => key.alg === header.alg)
        ? (header.alg as Alg)
        : undefined;
      const kid = signOptions.kid ?? headerKid;
      const key = keys.length === 0 ? undefined : pickKey(keys, kid, kid ? undefined : headerAlg);
      return signCompact(header, payload, { key, secret: signOptions.secret });
    },
    async rotateKeys(rotateOptions = {}) {
      const alg = rotateOptions.alg ?? keys[0]?.alg ?? 'RS256';
      const previous = keys;
      const key = await addKey(alg, 'first');
      if (rotateOptions.keepOld === false) keys = keys.filter((k) => !previous.includes(k));
      return key;
    },
    addKey(alg) {
      return addKey(alg, 'last');
    },
    removeKey(kid) {
      const before = keys.length;
      keys = keys.filter((key) => key.kid !== kid);
      return keys.length < before;
    },
    setFault(next) {
      fault = next === null ? null : validateFault(next);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
