import type { Server } from 'node:http';
import type { AuthContext } from '@gatehouse/core';
import * as fetchAdapter from '@gatehouse/fetch';
import * as honoAdapter from '@gatehouse/fetch/hono';
import { createAdaptorServer } from '@hono/node-server';
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { appError, describeAuth, guardOf, listen, type RunningApp } from './app-shared.js';
import { type Fixture, ROUTES } from './fixture.js';

// The Web-standard adapter (`@gatehouse/fetch`), served by @hono/node-server on a real Node
// HTTP server: the same routes as apps.ts, in Hono, and as plain `(request) => Response`
// handlers (bare `withAuth`, and Next.js-style `withRouteAuth` called as Next calls it).

type FetchHandler = (request: Request) => Response | Promise<Response>;

const serve = (fetch: FetchHandler): Promise<RunningApp> =>
  listen(createAdaptorServer({ fetch }) as Server);

export function startHono(fixture: Fixture): Promise<RunningApp> {
  const { requireAuth } = honoAdapter;
  const app = new Hono<honoAdapter.GatehouseEnv>();
  const answer = (c: Context<honoAdapter.GatehouseEnv>) => c.json(describeAuth(c.get('auth')));
  app.get('/public', answer);
  app.get('/unguarded/scoped', guardOf('scoped', honoAdapter)!, answer);
  for (const [variant, options] of Object.entries(fixture.options)) {
    const scope = new Hono<honoAdapter.GatehouseEnv>();
    scope.use(requireAuth(options as never));
    for (const route of ROUTES) {
      const guard = guardOf(route, honoAdapter);
      if (guard) scope.get(`/${route}`, guard, answer);
      else scope.get(`/${route}`, answer);
    }
    app.route(`/${variant}`, scope);
  }
  app.onError((error, c) => {
    const { status, body } = appError(error);
    return c.json(body, status as ContentfulStatusCode);
  });
  return serve(app.fetch);
}

/** How a protected route's handler is wrapped: bare `withAuth`, or Next.js `withRouteAuth`. */
type Wrap = (
  authenticate: fetchAdapter.Authenticate,
  answer: (auth: AuthContext | undefined) => Response,
  guards: fetchAdapter.RequestGuard[],
) => FetchHandler;

const bare: Wrap = (authenticate, answer, guards) =>
  fetchAdapter.withAuth(authenticate, (_request, auth) => answer(auth), ...guards);

// Next.js calls `GET(request, { params })` with `params` a promise (Next 15+); the handler must
// get that context back with `auth` added.
const nextRoute: Wrap = (authenticate, answer, guards) => {
  const GET = fetchAdapter.withRouteAuth(
    authenticate,
    async (_request, { params, auth }) => {
      const { slug } = await params;
      return slug === 'x' ? answer(auth) : Response.json({ error: 'params lost' }, { status: 500 });
    },
    ...guards,
  );
  return (request) => GET(request, { params: Promise.resolve({ slug: 'x' }) });
};

function startFetch(wrap: Wrap, fixture: Fixture): Promise<RunningApp> {
  const answer = (auth: AuthContext | undefined) => Response.json(describeAuth(auth));
  const unguarded = guardOf('scoped', fetchAdapter)!;
  const routes = new Map<string, FetchHandler>([
    ['/public', async () => answer(undefined)],
    ['/unguarded/scoped', async (request) => unguarded(undefined, request) ?? answer(undefined)],
  ]);
  for (const [variant, options] of Object.entries(fixture.options)) {
    const authenticate = fetchAdapter.requireAuth(options as never);
    for (const route of ROUTES) {
      const guard = guardOf(route, fetchAdapter);
      routes.set(`/${variant}/${route}`, wrap(authenticate, answer, guard ? [guard] : []));
    }
  }
  // The server's error handling: delegated refusals and resolver errors, challenge headers kept.
  return serve(async (request) => {
    const route = routes.get(new URL(request.url).pathname);
    if (!route) return new Response(null, { status: 404 });
    try {
      return await route(request);
    } catch (error) {
      const { status, body } = appError(error);
      return Response.json(body, { status, headers: fetchAdapter.refusalHeaders(error, request) });
    }
  });
}

/** The fetch-adapter frameworks the behaviour table runs against. */
export const FETCH_FRAMEWORKS: { name: string; start(fixture: Fixture): Promise<RunningApp> }[] = [
  { name: 'Hono 4 (@gatehouse/fetch/hono)', start: startHono },
  { name: 'fetch handler (withAuth)', start: (fixture) => startFetch(bare, fixture) },
  {
    name: 'Next.js route handler (withRouteAuth)',
    start: (fixture) => startFetch(nextRoute, fixture),
  },
];
