import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type AuthContext,
  type AuthHandlerOptions,
  GatehouseConfigError,
  type HttpErrorResponse,
  type Readiness,
  type Verifier,
} from '@gatehouse/core';
import {
  type AdapterGuards,
  createAdapterGuards,
  createAuthHandler,
  failureFor,
  type Guard,
  withReadiness,
} from '@gatehouse/core/adapter';

/** Options of `requireAuth`: the verifier's options (or `verifier`) plus the adapter options. */
export type GatehouseOptions<User = unknown> = AuthHandlerOptions<User, IncomingMessage>;

/**
 * Whether a connection may open: `auth` (`undefined` for an anonymous `optional` request), or
 * the refusal. `response` is Gatehouse's RFC 6750 answer (`toHttpResponse`); it is absent when
 * `error` is not Gatehouse's own (`resolveUser` threw), which is yours to log.
 */
export type UpgradeDecision<User = unknown> =
  | { ok: true; auth: AuthContext<User> | undefined }
  | { ok: false; error: unknown; response?: HttpErrorResponse };

/**
 * Authenticates WebSocket upgrade requests with one verifier (and token cache). Also has the
 * verifier's `ready()` (fetch the issuers' keys now; rejects with `GatehouseReadinessError`
 * naming the URL and the cause) and `health()` (a snapshot per issuer for a readiness endpoint).
 */
export interface UpgradeAuthenticator<User = unknown> extends Readiness {
  /**
   * Decides on `request` (its `Authorization` header, or `authorization` when given) and the
   * guards, writing nothing: for `ws`'s `verifyClient` and socket.io's handshake middleware.
   */
  check(
    request: IncomingMessage,
    guards?: readonly Guard[],
    authorization?: string | readonly string[],
  ): Promise<UpgradeDecision<User>>;
  /**
   * For a server's `'upgrade'` event, before the WebSocket handshake is accepted: on refusal,
   * writes Gatehouse's HTTP answer (401/400/403/503 with `WWW-Authenticate`, JSON body,
   * `Connection: close`) to `socket` and closes it, so the client sees a real HTTP refusal
   * instead of a socket that opens and then closes. A `resolveUser` error destroys the socket
   * without an answer (it is in `decision.error`). Never rejects.
   */
  upgrade(
    request: IncomingMessage,
    socket: Duplex,
    ...guards: readonly Guard[]
  ): Promise<UpgradeDecision<User>>;
  /** The request's credential value(s): `Authorization`, plus the `token` option's locations. */
  credentials(request: IncomingMessage): string | string[] | undefined;
}

/**
 * Builds an `UpgradeAuthenticator`. Options are those of the other adapters (`optional`,
 * `resolveUser(auth, request)` with the upgrade's `IncomingMessage`, …), validated now: a bad one
 * throws `GatehouseConfigError`.
 *
 * Does not: accept `errors: 'delegate'` (an upgrade has no error handler to delegate to); read
 * tokens from a subprotocol, or from the query string or a cookie unless `token` says so (browsers cannot set headers on
 * `new WebSocket()`: use socket.io's `auth` payload, see `socketIoAuth`, or a cookie session).
 */
export function requireAuth<User = unknown>(
  optionsOrVerifier: Verifier | GatehouseOptions<User>,
): UpgradeAuthenticator<User> {
  if ((optionsOrVerifier as { errors?: unknown }).errors === 'delegate') {
    throw new GatehouseConfigError([
      { path: 'errors', message: "'delegate' has no error handler to go to on an upgrade" },
    ]);
  }
  const handler = createAuthHandler<User, IncomingMessage>(optionsOrVerifier);
  const check: UpgradeAuthenticator<User>['check'] = async (request, guards = [], header) => {
    try {
      const authorization = header ?? handler.credentials(request);
      const auth = await handler.authenticate(authorization, request);
      for (const guard of guards) guard(auth, request);
      return { ok: true, auth };
    } catch (error) {
      const failure = failureFor(error, request);
      return failure.action === 'respond'
        ? { ok: false, error, response: failure.response }
        : { ok: false, error: failure.error };
    }
  };
  const upgrade: UpgradeAuthenticator<User>['upgrade'] = async (request, socket, ...guards) => {
    const decision = await check(request, guards);
    if (!decision.ok) {
      if (decision.response) writeRefusal(socket, decision.response);
      else socket.destroy();
    }
    return decision;
  };
  const credentials = (request: IncomingMessage) => handler.credentials(request);
  return withReadiness({ check, credentials, upgrade }, handler);
}

// The guards are the core's own (a `Guard` is what `check`/`upgrade` and `socketIoAuth` take):
// the same names and answers as every adapter's.
const guards = createAdapterGuards((guard): Guard => guard);
export const requireScopes: AdapterGuards<Guard>['requireScopes'] = guards.requireScopes;
export const requireAnyScope: AdapterGuards<Guard>['requireAnyScope'] = guards.requireAnyScope;
export const requireRoles: AdapterGuards<Guard>['requireRoles'] = guards.requireRoles;
export const requireAnyRole: AdapterGuards<Guard>['requireAnyRole'] = guards.requireAnyRole;
export const requireClaims: AdapterGuards<Guard>['requireClaims'] = guards.requireClaims;
export const requireAuthentication: AdapterGuards<Guard>['requireAuthentication'] =
  guards.requireAuthentication;

/**
 * Writes `response` as a raw HTTP/1.1 answer and closes the socket once it is flushed. Header
 * values are the core's, already restricted to printable ASCII (no header injection).
 */
export function writeRefusal(socket: Duplex, { status, headers, body }: HttpErrorResponse): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const payload = JSON.stringify(body);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    `content-length: ${Buffer.byteLength(payload)}`,
    'connection: close',
  ];
  // A client that hangs up first must not crash the process with an unhandled socket error.
  socket.once('error', () => socket.destroy());
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${payload}`);
}
