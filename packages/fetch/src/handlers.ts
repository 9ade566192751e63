import type { AuthContext } from '@gatehouse/core';
import type { Authenticate, RequestGuard } from './authenticate.js';

type MaybePromise<T> = T | Promise<T>;

/**
 * Protects a `(request) => Response` handler, the shape of `Bun.serve({ fetch })`,
 * `Deno.serve(handler)`, `@hono/node-server`'s `serve({ fetch })` and Cloudflare-style `fetch`
 * exports: the request is authenticated by `authenticate` (from `requireAuth`), then checked by
 * each guard in order; the first refusal is the answer, else `handler(request, auth)`'s.
 *
 * Delegated refusals (`errors: 'delegate'`) and `resolveUser`'s errors reject the returned
 * promise, unchanged, for the server's own error handling.
 *
 * Does not: route (wrap each route's handler, or your router's fetch); catch `handler`'s errors.
 */
export function withAuth<User = unknown>(
  authenticate: Authenticate<User>,
  handler: (request: Request, auth: AuthContext<User> | undefined) => MaybePromise<Response>,
  ...guards: RequestGuard[]
): (request: Request) => Promise<Response> {
  return async (request) => {
    const result = await gate(authenticate, guards, request);
    return result instanceof Response ? result : handler(request, result.auth);
  };
}

/** The second argument Next.js gives an App Router route handler (`params` is a promise in 15+). */
export interface RouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

/**
 * Protects a Next.js App Router route handler (`export const GET = withRouteAuth(…)`): like
 * `withAuth`, and the handler receives Next's context with `auth` added. Works on the Node.js
 * runtime (the core verifies signatures with `node:crypto`).
 *
 * Does not: run in Next's Edge runtime or middleware (no `node:crypto` there); call
 * `notFound()`/`redirect()` for you.
 */
export function withRouteAuth<User = unknown, Context extends object = RouteContext>(
  authenticate: Authenticate<User>,
  handler: (
    request: Request,
    context: Context & { auth: AuthContext<User> | undefined },
  ) => MaybePromise<Response>,
  ...guards: RequestGuard[]
): (request: Request, context: Context) => Promise<Response> {
  return async (request, context) => {
    const result = await gate(authenticate, guards, request);
    return result instanceof Response
      ? result
      : handler(request, { ...context, auth: result.auth });
  };
}

async function gate<User>(
  authenticate: Authenticate<User>,
  guards: readonly RequestGuard[],
  request: Request,
): Promise<Response | { auth: AuthContext<User> | undefined }> {
  const auth = await authenticate(request);
  if (auth instanceof Response) return auth;
  for (const guard of guards) {
    const refusal = guard(auth, request);
    if (refusal) return refusal;
  }
  return { auth };
}
