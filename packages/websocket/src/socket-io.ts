import type { IncomingMessage } from 'node:http';
import type { Guard } from '@gatehouse/core/adapter';
import type { UpgradeAuthenticator } from './upgrade.js';

/** The parts of a socket.io server `Socket` the handshake middleware uses. */
export interface HandshakeSocket {
  request: IncomingMessage;
  handshake: { auth: Record<string, unknown> };
  data: { auth?: unknown };
}

/**
 * What a refused socket.io client receives as `connect_error`'s `err.data`: the status, body and
 * challenge of Gatehouse's HTTP answer (socket.io has no HTTP response at this point).
 */
export interface RefusalData {
  status: number;
  error: string;
  error_description: string;
  /** The `WWW-Authenticate` value (absent on 503). */
  challenge?: string;
  /** Seconds, on 503. */
  retryAfter?: number;
}

/**
 * socket.io handshake middleware (`io.use(socketIoAuth(authenticator, ...guards))`): the token
 * comes from the `Authorization` header, or from the client's `auth: { token }` payload (a bare
 * token, without "Bearer"; browsers cannot set headers on a WebSocket). Both at once is two
 * credentials: 400 `invalid_request` (RFC 6750 §2). On success `socket.data.auth` is the
 * `AuthContext`.
 *
 * Refusal: `next(err)` with `err.message` the RFC 6750 code and `err.data` a `RefusalData`;
 * the client gets both on `connect_error`. A `resolveUser` error is passed as
 * `Error('server_error')` with the original as `cause`: socket.io sends `message` to the client,
 * and an internal message must not reach it.
 *
 * Does not: answer with an HTTP status (the engine.io connection is already open); re-check the
 * token later (see `closeOnExpiry`).
 */
export function socketIoAuth(
  authenticator: UpgradeAuthenticator,
  ...guards: Guard[]
): (socket: HandshakeSocket, next: (error?: Error) => void) => void {
  return (socket, next) => {
    void authenticator
      .check(socket.request, guards, credentials(authenticator, socket))
      .then((decision) => {
        if (decision.ok) {
          socket.data.auth = decision.auth;
          return next();
        }
        if (!decision.response) {
          return next(new Error('server_error', { cause: decision.error }));
        }
        const { status, headers, body } = decision.response;
        const data: RefusalData = { status, ...body };
        if (headers['www-authenticate']) data.challenge = headers['www-authenticate'];
        if (headers['retry-after']) data.retryAfter = Number(headers['retry-after']);
        next(Object.assign(new Error(body.error), { data }));
      });
  };
}

/** The credential value(s) to authenticate: the request's, plus the `auth` payload's token. */
function credentials(
  authenticator: UpgradeAuthenticator,
  socket: HandshakeSocket,
): string | string[] | undefined {
  const header = authenticator.credentials(socket.request);
  const token = socket.handshake.auth?.token;
  if (token === undefined) return header;
  // A non-string token is sent on as an empty credential: 400 invalid_request, like a bad header.
  const fromPayload = `Bearer ${typeof token === 'string' ? token : ''}`;
  return header === undefined ? fromPayload : [header, fromPayload].flat();
}
