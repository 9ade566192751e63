// A Next.js App Router route file (app/api/things/[id]/route.ts): Next calls
// `GET(request, { params })`; `withRouteAuth` authenticates first and adds `auth`.
// Runs on Next's Node.js runtime (the default for route handlers), not the Edge runtime.
import { requireAuth, requireScopes, withRouteAuth } from '@gatehouse/fetch';

// Module scope: one verifier (and token cache) per server process, not per request.
const authenticate = requireAuth({
  issuer: process.env.OAUTH_ISSUER ?? 'https://as.example.com',
  audience: process.env.OAUTH_AUDIENCE ?? 'https://api.example.com',
});

export const GET = withRouteAuth<unknown, { params: Promise<{ id: string }> }>(
  authenticate,
  async (_request, { params, auth }) => {
    const { id } = await params;
    return Response.json({ id, owner: auth?.subject });
  },
  requireScopes('things:read'),
);
