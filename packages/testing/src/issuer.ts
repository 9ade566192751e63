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
import { generateSigningKey } from './keys.js';
import { buildMetadata, issuerEndpoints, servesDocument } from './metadata.js';
import { buildAccessToken, buildIdToken, type MintContext, type UnsignedJwt } from './mint.js';
import { resolveOptions } from './options.js';
import { handleTokenRequest } from './token-endpoint.js';
import type {
  Alg,
  Fault,
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

function pickKey(keys: readonly SigningKey[], kid?: string, alg?: Alg): SigningKey {
  const available = () => keys.map((key) => `${key.kid} (${key.alg})`).join(', ') || 'none';
  if (kid !== undefined) {
    const key = keys.find((candidate) => candidate.kid === kid);
    if (!key) throw new Error(`@gatehouse/testing: no key with kid ${kid}; keys: ${available()}`);
    if (alg !== undefined && key.alg !== alg) {
      throw new Error(`@gatehouse/testing: key ${kid} is ${key.alg}, not ${alg}`);
    }
    return key;
  }
  const key = alg === undefined ? keys[0] : keys.find((candidate) => candidate.alg === alg);
  if (!key) {
    throw new Error(
      alg === undefined
        ? '@gatehouse/testing: the issuer has no signing key (see addKey / rotateKeys)'
        : `@gatehouse/testing: the issuer has no ${alg} key (keys: ${available()}); ` +
            `pass algorithms: ['${alg}'] to createTestIssuer or call addKey('${alg}')`,
    );
  }
  return key;
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
  const endpoints = issuerEndpoints(`http://127.0.0.1:${port}`, config.path);
  const routes = new Map<string, Route>([
    [new URL(endpoints.openidConfiguration).pathname, 'oidc'],
    [new URL(endpoints.oauthAuthorizationServer).pathname, 'oauth'],
    [new URL(endpoints.jwksUri).pathname, 'jwks'],
    [new URL(endpoints.tokenEndpoint).pathname, 'token'],
    [new URL(endpoints.authorizationEndpoint).pathname, 'authorize'],
  ]);
  const mintContext = (): MintContext => ({
    issuer: endpoints.issuer,
    audience: config.audience,
    ttl: config.accessTokenTtl,
  });
  const metadata = () =>
    buildMetadata(
      endpoints,
      keys.map((key) => key.alg),
      config.clients,
    );
  const sign = (jwt: UnsignedJwt, key: SigningKey) => signCompact(jwt.header, jwt.payload, { key });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    // Split rather than `new URL(req.url, base)`: a request target like `//x` is a path here.
    const route = routes.get((req.url ?? '/').split('?')[0] ?? '/') ?? 'other';
    counters.total += 1;
    if (route === 'oidc' || route === 'oauth') counters.discovery += 1;
    if (route === 'jwks' || route === 'token') counters[route] += 1;
    if (faultApplies(fault, FAULT_ROUTE[route])) {
      applyFault(fault, req, res, timers, () => answer(route, req, res));
      return;
    }
    answer(route, req, res);
  }

  function answer(route: Route, req: IncomingMessage, res: ServerResponse): void {
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
        const accessToken = await sign(buildAccessToken(mintContext(), key, claims, {}), key);
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
      sendJson(res, 200, metadata());
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
      return sign(buildAccessToken(mintContext(), key, claims, mintOptions), key);
    },
    async mintIdToken(claims = {}, idOptions = {}) {
      const key = pickKey(keys, idOptions.kid, idOptions.alg);
      return sign(buildIdToken(mintContext(), key, claims, idOptions), key);
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
