import { type AuthHandlerOptions, splitAdapterOptions } from './adapter-options.js';
import { extractBearerToken } from './bearer.js';
import { DEFAULTS } from './defaults.js';
import { extractDpopToken } from './dpop/authenticate.js';
import type { DpopRequest } from './dpop/proof.js';
import {
  type ChallengeOptions,
  type GatehouseError,
  type HttpErrorResponse,
  isGatehouseError,
  toHttpResponse,
} from './errors.js';
import { forgetRequest, rememberRequest, settingsOf } from './internal/request-state.js';
import type { VerifierHealth } from './readiness.js';
import { asRefusal } from './refusal.js';
import { telemetryOf } from './telemetry.js';
import { type CredentialSource, credentialsOf, type TokenLocations } from './token-locations.js';
import type { AuthContext } from './types.js';
import { createUserResolver, type ResolveUser, type UserCacheOptions } from './users.js';
import type { Verifier } from './verifier.js';
import { createVerifier } from './verify.js';

/** What an adapter calls for each request. */
export interface AuthHandler<User = unknown, Request = unknown> {
  /**
   * Authenticates one request from its `Authorization` header value(s): the `AuthContext` (with
   * `user` when `resolveUser` is set), or `undefined` when the handler is `optional` and the
   * request carries no credentials. Refusals reject
   * with `GatehouseError`, or with `resolveUser`'s own error, unchanged; they never throw. Any
   * other error out of the verifier (a bug, a verifier of your own that throws) is refused as
   * `temporarily_unavailable` (503 + Retry-After), never left to become the framework's 500.
   *
   * With DPoP on, a DPoP credential's proof is checked against `dpopRequest(request)` (see
   * `AdapterHooks`). On success with `auth.dpop.nonce`, the adapter sends that nonce as
   * `DPoP-Nonce` (RFC 9449 §9).
   */
  authenticate(
    authorization: string | readonly string[] | undefined,
    request: Request & object,
  ): Promise<AuthContext<User> | undefined>;
  /** `realm` and `resource_metadata` of this handler's challenges. */
  readonly challenge: ChallengeOptions;
  /**
   * The credential value(s) of a request for `authenticate`: its `Authorization` header, plus
   * the `token` option's other locations. `source` is a Node request (`rawHeaders`, `url`) or a
   * Fetch `Request`.
   */
  credentials(source: CredentialSource): string | string[] | undefined;
  /** The verifier's `ready()`: fetches the issuers' keys now; rejects naming the URL and cause. */
  ready(): Promise<void>;
  /** The verifier's `health()`, for a readiness endpoint. */
  health(): VerifierHealth;
}

/** What an adapter tells the shared handler about its framework's requests. */
export interface AdapterHooks<Request = unknown> {
  /**
   * The `DPoP` header(s), method and URL of a request, for DPoP proofs (RFC 9449 §4.3). Called
   * only for requests with a DPoP credential. Node-based frameworks:
   * `(req) => nodeDpopRequest(rawRequest, originalUrl)`. Without it, DPoP requests are refused
   * (no proof).
   */
  dpopRequest?: (request: Request) => DpopRequest;
}

/**
 * What an adapter does with an error: write `response`, or set `headers` and pass `error` to
 * the framework's error handling.
 */
export type Failure =
  | { action: 'respond'; response: HttpErrorResponse }
  | { action: 'delegate'; error: unknown; headers: Record<string, string> };

/**
 * Builds the request handler the adapters share: options are validated here, once (a bad option
 * throws `GatehouseConfigError` naming it), and the verifier is created unless one is given.
 * A `Verifier` (anything with an `authenticate` function) is used as is.
 *
 * Defaults: `optional: false`, `errors: 'respond'`, `unknownUser: 'reject'`, user cache 1000
 * entries for 60 s.
 *
 * Does not: read anything but the `Authorization` header unless `token` says so (RFC 6750 §2.2, the
 * form body, is never read); write
 * responses (the adapter does, from `failureFor`); touch the framework's request object.
 */
export function createAuthHandler<User = unknown, Request = unknown>(
  optionsOrVerifier: Verifier | AuthHandlerOptions<User, Request>,
  hooks: AdapterHooks<Request> = {},
): AuthHandler<User, Request> {
  const given = splitAdapterOptions(optionsOrVerifier);
  const { adapter } = given;
  const verifier = given.verifier ?? createVerifier(given.verifierOptions);
  const resolveUser = adapter.resolveUser
    ? createUserResolver<User, Request>({
        resolveUser: adapter.resolveUser as ResolveUser<User, Request>,
        ...(adapter.userCache === undefined
          ? {}
          : { userCache: adapter.userCache as false | UserCacheOptions }),
        ...(adapter.unknownUser === undefined ? {} : { unknownUser: adapter.unknownUser }),
      })
    : undefined;
  // With the verifier's telemetry on, user-cache hits and misses are counted.
  const telemetry = telemetryOf(verifier);
  const resolve =
    resolveUser && telemetry !== undefined ? telemetry.observeUsers(resolveUser) : resolveUser;
  const optional = adapter.optional ?? DEFAULTS.optional;
  const settings = {
    challenge: verifier.challenge,
    errors: adapter.errors ?? DEFAULTS.errors,
  };
  // A request nobody remembered is answered with the default settings (`failureFor`), so a
  // handler with those writes nothing for the requests it lets through: a WeakMap entry for a
  // fresh request object costs ~0.5 µs of CPU (identity hash, ephemeron table, GC work), as much
  // as the rest of a cache hit. It still forgets any other handler's settings, so the last
  // handler to see a request decides its answers, as before.
  const isDefault =
    settings.errors === 'respond' &&
    Object.values(settings.challenge ?? {}).every((value) => value === undefined);
  const remember = isDefault
    ? forgetRequest
    : (request: object) => rememberRequest(request, settings);

  // Only a DPoP-enabled verifier gets the request's details, built only if it asks for them.
  const dpopRequest = verifier.challenge.dpop === undefined ? undefined : hooks.dpopRequest;

  const locations = adapter.token as TokenLocations | undefined;

  return {
    challenge: verifier.challenge,
    credentials: (source) => credentialsOf(source, locations),
    // A verifier of your own may have neither: then there is nothing to load or report.
    ready: async () => verifier.ready?.(),
    health: () => verifier.health?.() ?? { ready: true, issuers: [] },
    async authenticate(authorization, request) {
      if (optional && !hasCredential(authorization)) {
        // A guard refusing this anonymous request must know that a handler saw it.
        rememberRequest(request, settings);
        return undefined;
      }
      remember(request);
      let auth: AuthContext;
      try {
        auth = await (dpopRequest === undefined
          ? verifier.authenticate(authorization)
          : verifier.authenticate(authorization, () => dpopRequest(request)));
      } catch (error) {
        // A verifier of your own that throws is refused, never left to become a 500.
        throw asRefusal(error);
      }
      return resolve === undefined ? (auth as AuthContext<User>) : resolve(auth, request);
    },
  };
}

/**
 * How to answer `error` raised while handling `request` (by `authenticate` or a guard): a
 * `GatehouseError` becomes `toHttpResponse` with the challenge of the handler that saw the
 * request, written by the adapter or delegated (`errors` option). Any other error — a throwing
 * `resolveUser` — is always delegated, unchanged, so the application's error handler decides;
 * a falsy one (`throw null`) is wrapped in an `Error` first, since Express `next(null)` and
 * Fastify `done(null)` would let the request through unauthenticated.
 *
 * Does not: turn an unknown error into a 500 or a `GatehouseError`.
 */
export function failureFor(error: unknown, request: object): Failure {
  if (!isGatehouseError(error)) {
    const passed = error || new Error(`the request failed with ${String(error)} as its error`);
    return { action: 'delegate', error: passed, headers: {} };
  }
  const settings = settingsOf(request);
  const response = toHttpResponse(error as GatehouseError, settings?.challenge);
  if (settings?.errors !== 'delegate') return { action: 'respond', response };
  const { 'content-type': _contentType, ...headers } = response.headers;
  return { action: 'delegate', error, headers };
}

// Anonymous requests of an optional handler never reach the verifier (no rejection events for
// them); the core's own parsers decide what "no credential" is. A malformed one (empty token,
// two credentials) is not "none" and goes on to be refused.
function hasCredential(authorization: string | readonly string[] | undefined): boolean {
  try {
    if (extractDpopToken(authorization) !== undefined) return true;
    extractBearerToken(authorization);
    return true;
  } catch (error) {
    return !(isGatehouseError(error) && error.code === 'unauthorized');
  }
}
