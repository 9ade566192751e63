import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AuthContext, type ClaimRules, isGatehouseError } from '@gatehouse/core';
import { ResolverFailure, type Route, SCOPE, URL_SCOPE } from './fixture.js';

/** A running test app: requests go to `url`. */
export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

/** The guard functions every adapter exports under the same names. */
export interface GuardFactories<G> {
  requireScopes(...scopes: string[]): G;
  requireAnyScope(...scopes: string[]): G;
  requireClaims(rules: ClaimRules): G;
}

/** The guard each route carries, built with the adapter's own factories. */
export function guardOf<G>(route: Route, adapter: GuardFactories<G>): G | undefined {
  switch (route) {
    case 'scoped':
      return adapter.requireScopes(SCOPE);
    case 'any-scope':
      return adapter.requireAnyScope(SCOPE, 'admin');
    case 'url-scope':
      return adapter.requireScopes(URL_SCOPE);
    case 'claims':
      return adapter.requireClaims({ tenant: 'acme' });
    default:
      return undefined;
  }
}

/** What every route answers: who the request was for. */
export const describeAuth = (auth: AuthContext | null | undefined) => ({
  sub: auth?.subject ?? null,
  user: auth?.user ?? null,
});

/**
 * The application's own error handler, the same in every framework: it proves that delegated
 * refusals and resolver errors reach it (body `handledBy: 'app'`), with the error unchanged.
 */
export function appError(error: unknown): { status: number; body: Record<string, unknown> } {
  if (isGatehouseError(error))
    return {
      status: error.status,
      body: { error: error.code, reason: error.reason, handledBy: 'app' },
    };
  const code = error instanceof ResolverFailure ? 'resolver_failure' : 'app_error';
  return { status: 502, body: { error: code, handledBy: 'app' } };
}

/** Listens on 127.0.0.1, a free port. */
export async function listen(server: Server): Promise<RunningApp> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
