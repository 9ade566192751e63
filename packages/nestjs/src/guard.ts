import type { IncomingMessage } from 'node:http';
import type {
  AuthContext,
  AuthHandlerOptions,
  Readiness,
  Verifier,
  VerifierHealth,
} from '@gatehouse/core';
import {
  type AdapterGuards,
  type AuthHandler,
  createAdapterGuards,
  createAuthHandler,
  failureFor,
  type Guard,
  nodeDpopRequest,
} from '@gatehouse/core/adapter';
import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  Inject,
  Injectable,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';

/** Injection token of the `AuthHandler` that `GatehouseModule.forRoot` builds. */
export const GATEHOUSE_AUTH_HANDLER = Symbol.for('@gatehouse/nestjs:auth-handler');

/** Metadata key of `@Public()`. */
export const IS_PUBLIC_KEY = '@gatehouse/nestjs:public';

/** Options: the verifier's options (or `verifier`) plus the adapter options. */
export type GatehouseOptions<User = unknown> = AuthHandlerOptions<User, object>;

/** What the guard reads and writes on the platform's request (Express `req`, Fastify request). */
interface PlatformRequest {
  auth?: AuthContext;
  rawHeaders?: string[];
  url?: string;
  raw?: { rawHeaders: string[]; url?: string };
}

/**
 * Authenticates every HTTP request that reaches it with its Bearer token (RFC 6750) and sets
 * `request.auth` (read it with `@Auth()`). Routes and controllers marked `@Public()` are skipped.
 * Register it for the whole app (`{ provide: APP_GUARD, useClass: GatehouseGuard }` next to
 * `GatehouseModule.forRoot(options)`), per controller (`@UseGuards(GatehouseGuard)`), or build one
 * for other options with `requireAuth(options)`.
 *
 * Refusals go through Nest's exception layer as an `HttpException` whose status and body are
 * `toHttpResponse`'s; the challenge headers (`WWW-Authenticate`, `Cache-Control`, `Retry-After`)
 * are set on the response first, so they are kept. With `errors: 'delegate'` the
 * `GatehouseError` itself is thrown (your exception filter answers; headers kept), and an error
 * thrown by `resolveUser` is always thrown unchanged.
 *
 * It also has the verifier's `ready()` and `health()`: inject it (`GatehouseModule` exports it)
 * to serve a readiness endpoint, or pass `awaitReady: true` to `GatehouseModule.forRoot` to fetch
 * the keys while the application bootstraps.
 *
 * Does not: authenticate WebSocket gateways or microservices (a non-HTTP context is refused:
 * see `@gatehouse/websocket`); read tokens from the body, or from anywhere but `Authorization`
 * unless the `token` option says so.
 */
export class GatehouseGuard implements CanActivate, Readiness {
  readonly #reflector = new Reflector();

  constructor(private readonly handler: AuthHandler<unknown, object>) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.#reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)) return true;
    if (context.getType() !== 'http') return false;
    const request = context.switchToHttp().getRequest<PlatformRequest>();
    const source = request.raw ?? { rawHeaders: request.rawHeaders ?? [], url: request.url };
    let auth: AuthContext | undefined;
    try {
      auth = await this.handler.authenticate(this.handler.credentials(source), request);
    } catch (error) {
      return refuse(error, context);
    }
    if (auth) request.auth = auth;
    return true;
  }

  /**
   * Fetches every issuer's discovery document and keys now, unless fresh; rejects with
   * `GatehouseReadinessError`, whose message names each URL that failed and the cause (e.g.
   * `ECONNREFUSED`).
   */
  ready(): Promise<void> {
    return this.handler.ready();
  }

  /** A snapshot per issuer (`ready`, `keyCount`, `stale`, `failures`…) for a readiness endpoint. */
  health(): VerifierHealth {
    return this.handler.health();
  }
}
// Decorators applied as calls: the package compiles without `experimentalDecorators`, so its
// sources type-check in any consumer's (and this monorepo's test) configuration.
Injectable()(GatehouseGuard);
Inject(GATEHOUSE_AUTH_HANDLER)(GatehouseGuard, undefined, 0);

/**
 * A `GatehouseGuard` for `options` of its own, for `@UseGuards(requireAuth(options))` outside (or
 * next to) `GatehouseModule`. Options are validated now: a bad one throws `GatehouseConfigError`.
 */
export function requireAuth<User = unknown>(
  optionsOrVerifier: Verifier | GatehouseOptions<User>,
): GatehouseGuard {
  return new GatehouseGuard(
    createAuthHandler(optionsOrVerifier, NEST_HOOKS) as AuthHandler<unknown, object>,
  );
}

/**
 * DPoP proofs are read from the platform's request: Express's (`originalUrl`) or Fastify's
 * (`raw`, `originalUrl`), both Node requests underneath.
 */
export const NEST_HOOKS = {
  dpopRequest: (request: object) => {
    const { raw, originalUrl, url } = request as {
      raw?: IncomingMessage;
      originalUrl?: string;
      url?: string;
    };
    return nodeDpopRequest(raw ?? (request as IncomingMessage), originalUrl ?? url ?? '/');
  },
};

const guards = createAdapterGuards(toCanActivate);
export const requireScopes: AdapterGuards<CanActivate>['requireScopes'] = guards.requireScopes;
export const requireAnyScope: AdapterGuards<CanActivate>['requireAnyScope'] =
  guards.requireAnyScope;
export const requireRoles: AdapterGuards<CanActivate>['requireRoles'] = guards.requireRoles;
export const requireAnyRole: AdapterGuards<CanActivate>['requireAnyRole'] = guards.requireAnyRole;
export const requireClaims: AdapterGuards<CanActivate>['requireClaims'] = guards.requireClaims;
export const requireAuthentication: AdapterGuards<CanActivate>['requireAuthentication'] =
  guards.requireAuthentication;

function toCanActivate(guard: Guard): CanActivate {
  return {
    canActivate(context) {
      const request = context.switchToHttp().getRequest<PlatformRequest>();
      try {
        guard(request.auth, request);
      } catch (error) {
        refuse(error, context);
      }
      return true;
    },
  };
}

/** Sets the refusal's headers on the response, then throws it into Nest's exception layer. */
function refuse(error: unknown, context: ExecutionContext): never {
  const http = context.switchToHttp();
  const failure = failureFor(error, http.getRequest<object>());
  // Express `res.header` and Fastify `reply.header` both set one header.
  const response = http.getResponse<{ header(name: string, value: string): unknown }>();
  if (failure.action === 'delegate') {
    for (const [name, value] of Object.entries(failure.headers)) response.header(name, value);
    throw failure.error;
  }
  const { status, headers, body } = failure.response;
  for (const [name, value] of Object.entries(headers)) {
    if (name !== 'content-type') response.header(name, value);
  }
  throw new HttpException(body, status);
}
