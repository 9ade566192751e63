import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVerifier, type Verifier, type VerifierOptions } from '@gatehouse/core';
import type { TestIssuer } from '@gatehouse/testing';
import { expect } from 'vitest';

/** A verifier of `issuer` with its defaults, plus `extra`. */
export const verifierOf = (issuer: TestIssuer, extra: Partial<VerifierOptions> = {}): Verifier =>
  createVerifier({ issuer: issuer.url, audience: issuer.audience, ...extra } as VerifierOptions);

/** The catalog's "reject": a refusal with this code and reason (not a crash, not an acceptance). */
export async function expectRefusal(outcome: Promise<unknown>, code: string, reason?: string) {
  await expect(outcome).rejects.toMatchObject({ code, ...(reason ? { reason } : {}) });
}

/** The claims of a freshly minted token, for hand-made variants. */
export async function claimsOf(issuer: TestIssuer): Promise<Record<string, unknown>> {
  const payload = (await issuer.mint()).split('.')[1]!;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

/** A server on 127.0.0.1 answering JSON documents by path (404 for others); `docs` may change. */
export async function documentServer(
  docs: (origin: string) => Record<string, { status?: number; body: unknown }>,
): Promise<{ origin: string; hits: Record<string, number>; close(): Promise<void> }> {
  const hits: Record<string, number> = {};
  let origin = '';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits[path] = (hits[path] ?? 0) + 1;
    const doc = docs(origin)[path];
    res.writeHead(doc?.status ?? (doc ? 200 : 404), { 'content-type': 'application/json' });
    res.end(JSON.stringify(doc?.body ?? { error: 'not_found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
