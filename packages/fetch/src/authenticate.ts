import type {
  AuthContext,
  AuthHandlerOptions,
  HttpErrorResponse,
  Readiness,
  Verifier,
} from '@gatehouse/core';
import {
  type AdapterGuards,
  createAdapterGuards,
  createAuthHandler,
  failureFor,
  fetchDpopRequest,
  type Guard,
  withReadiness,
} from '@gatehouse/core/adapter';

/** Options of `requireAuth`: the verifier's options (or `verifier`) plus the adapter options. */
export type GatehouseOptions<User = unknown> = AuthHandlerOptions<User, Request>;

/**
 * What authenticating a `Request` gives: its `AuthContext`, `undefined` (an `optional`
 * authenticator and no Bearer credential), or the refusal as a ready `Response`.
 */
export type AuthResult<User = unknown> = AuthContext<User> | undefined | Response;

/** Authenticates one `Request`: `await` it. */
export type Authenticate<User = unknown> = (request: Request) => Promise<AuthResult<User>>;

/**
 * A per-route check after `requireAuth`: `undefined` when the request may pass, else the refusal
 * as a `Response` (403 `insufficient_scope`, or 401 when the request was never authenticated).
 */
export type RequestGuard = (
  auth: AuthContext | undefined,
  request: Request,
) => Response | undefined;

/**
 * The Web-standard adapter: builds the function from a `Request` to its `AuthContext` or to a
 * ready `Response` (RFC 6750: 401/400/403/503 with exactly the status, headers and JSON body of
 * `toHttpResponse`). Options are validated now: a bad one throws `GatehouseConfigError`.
 *
 * With `errors: 'delegate'`, a refusal is thrown instead, unchanged, for your error handling to
 * answer; `refusalHeaders(error, request)` gives the challenge headers to keep. An error thrown
 * by `resolveUser` is always thrown, unchanged.
 *
 * The function also has the verifier's `ready()` (fetch the issuers' keys now; rejects with
 * `GatehouseReadinessError` naming the URL and the cause) and `health()` (a snapshot per issuer
 * for a readiness endpoint).
 *
 * Does not: read tokens from the body, or from anywhere but `Authorization` unless the `token`
 * option says so; consume the request body;
 * answer 500 for anything it refuses.
 */
export function requireAuth<User = unknown>(
  optionsOrVerifier: Verifier | GatehouseOptions<User>,
): Authenticate<User> & Readiness {
  const handler = createAuthHandler<User, Request>(optionsOrVerifier, {
    dpopRequest: fetchDpopRequest,
  });
  // A Fetch `Headers` joins repeated `Authorization` lines with ", ", which the core's parser
  // refuses as two credentials (400 invalid_request), as it does for two header lines.
  const authenticate: Authenticate<User> = async (request) => {
    try {
      return await handler.authenticate(handler.credentials(request), request);
    } catch (error) {
      return refusalResponse(error, request);
    }
  };
  return withReadiness(authenticate, handler);
}

const guards = createAdapterGuards(toRequestGuard);
export const requireScopes: AdapterGuards<RequestGuard>['requireScopes'] = guards.requireScopes;
export const requireAnyScope: AdapterGuards<RequestGuard>['requireAnyScope'] =
  guards.requireAnyScope;
export const requireRoles: AdapterGuards<RequestGuard>['requireRoles'] = guards.requireRoles;
export const requireAnyRole: AdapterGuards<RequestGuard>['requireAnyRole'] = guards.requireAnyRole;
export const requireClaims: AdapterGuards<RequestGuard>['requireClaims'] = guards.requireClaims;
export const requireAuthentication: AdapterGuards<RequestGuard>['requireAuthentication'] =
  guards.requireAuthentication;

/** Wraps a core guard for `Request`s: its refusal becomes a `Response` (or is thrown, delegated). */
export function toRequestGuard(guard: Guard): RequestGuard {
  return (auth, request) => {
    try {
      guard(auth, request);
      return undefined;
    } catch (error) {
      return refusalResponse(error, request);
    }
  };
}

/**
 * The refusal of `error` raised while handling `request`, as a `Response`; thrown back, unchanged,
 * when it is not Gatehouse's to answer (`errors: 'delegate'`, a throwing `resolveUser`).
 */
export function refusalResponse(error: unknown, request: Request): Response {
  const failure = failureFor(error, request);
  if (failure.action === 'delegate') throw failure.error;
  return toResponse(failure.response);
}

/**
 * The headers Gatehouse would have set on the refusal of `error` for `request`
 * (`WWW-Authenticate`, `Cache-Control`, `Retry-After`): for an error handler answering delegated
 * refusals (`errors: 'delegate'`). Empty for an error that is not a `GatehouseError`.
 */
export function refusalHeaders(error: unknown, request: Request): Record<string, string> {
  const failure = failureFor(error, request);
  if (failure.action === 'delegate') return failure.headers;
  const { 'content-type': _contentType, ...headers } = failure.response.headers;
  return headers;
}

/** `toHttpResponse`'s answer as a Web `Response`. */
export const toResponse = ({ status, headers, body }: HttpErrorResponse): Response =>
  new Response(JSON.stringify(body), { status, headers });
