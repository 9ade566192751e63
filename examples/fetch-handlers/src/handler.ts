// A `(request) => Response` API protected by Gatehouse, with no framework: the shape
// `Bun.serve({ fetch })`, `Deno.serve(fetch)` and `@hono/node-server` take. Node's global
// `Request`/`Response` are the Web ones, so the same file runs on each.
import { requireAuth, requireScopes, withAuth } from '@gatehouse/fetch';

/** A fetch handler for one authorization server (`issuer`) and this API's `audience`. */
export function createHandler(options: {
  issuer: string;
  audience: string;
}): (request: Request) => Promise<Response> {
  // One authenticator per API: its verifier (and token cache) is shared by every route.
  const authenticate = requireAuth(options);

  const routes: Record<string, (request: Request) => Promise<Response>> = {
    '/health': async () => Response.json({ ok: true }),
    // Readiness for a load balancer or Kubernetes: 503 until the issuer's keys are at hand.
    '/ready': async () => {
      const health = authenticate.health();
      return Response.json(health, { status: health.ready ? 200 : 503 });
    },
    '/api/hello': withAuth(authenticate, (_request, auth) =>
      Response.json({ hello: auth?.subject }),
    ),
    '/api/reports': withAuth(
      authenticate,
      () => Response.json({ reports: ['q1', 'q2'] }),
      requireScopes('reports:read'),
    ),
  };

  return async (request) => {
    const route = routes[new URL(request.url).pathname];
    return route ? route(request) : Response.json({ error: 'not_found' }, { status: 404 });
  };
}
