import {
  checkProtectedRoute,
  createTestIssuer,
  type ProtectedRouteReport,
  type TestIssuer,
} from '@gatehouse/testing';
import express from 'express';
import { expressjwt } from 'express-jwt';
import { auth } from 'express-oauth2-jwt-bearer';
import jwksRsa from 'jwks-rsa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The kit finds real faults in apps built with two popular peers exactly as their READMEs show
// them, talking to our local issuer on 127.0.0.1. The findings are listed in docs/security.md;
// a change here (a peer upgrade, a new check) must be reflected there.
let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await createTestIssuer();
});
afterAll(() => issuer?.close());

const idsOf = (report: ProtectedRouteReport, outcome: string) =>
  report.failures.filter((failure) => failure.outcome === outcome).map((failure) => failure.id);

describe('checkProtectedRoute on peer apps', () => {
  it('express-jwt + jwks-rsa (README setup): accepts 8 kinds of tokens or requests it must refuse', async () => {
    const app = express();
    app.get(
      '/protected',
      expressjwt({
        secret: jwksRsa.expressJwtSecret({
          cache: true,
          rateLimit: true,
          jwksRequestsPerMinute: 5,
          jwksUri: issuer.jwksUri,
        }) as never,
        audience: issuer.audience,
        issuer: issuer.url,
        algorithms: ['RS256'],
      }),
      (_req, res) => {
        res.json({ ok: true });
      },
    );
    const report = await checkProtectedRoute({ app, issuer, path: '/protected' });
    expect(report.passed).toBe(false);
    expect(report.results.find((r) => r.id === 'valid-token')?.passed).toBe(true);
    expect(idsOf(report, 'accepted')).toEqual([
      'two-credentials',
      'crit',
      'b64-false',
      'typ-confusion',
      'id-token',
      'refresh-token',
      'no-exp',
      'oversized',
    ]);
    // Every other refusal is a bare 401 without WWW-Authenticate (Express's default handler).
    expect(idsOf(report, 'nonconformant')).toHaveLength(23);
    expect(idsOf(report, 'server_error')).toEqual([]);
    expect(report.summary).toMatch(
      /^checkProtectedRoute GET \/protected: 2\/33 passed; accepted: /,
    );
  }, 30_000);

  it('express-oauth2-jwt-bearer (README setup): accepts 5 kinds of tokens or requests it must refuse', async () => {
    const app = express();
    app.use(auth({ issuerBaseURL: issuer.url, audience: issuer.audience }));
    app.get('/protected', (_req, res) => {
      res.json({ ok: true });
    });
    const report = await checkProtectedRoute({ app, issuer, path: '/protected' });
    expect(report.results.find((r) => r.id === 'valid-token')?.passed).toBe(true);
    expect(idsOf(report, 'accepted')).toEqual([
      'two-credentials',
      'typ-confusion',
      'id-token',
      'refresh-token',
      'oversized',
    ]);
    expect(idsOf(report, 'nonconformant')).toEqual([
      'other-scheme',
      'empty-bearer',
      'malformed-bearer',
      'two-credentials-one-header',
    ]);
    expect(idsOf(report, 'server_error')).toEqual([]);
  }, 30_000);
});
