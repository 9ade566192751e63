// A payments API protected by Gatehouse: opaque access tokens are checked at the authorization
// server's introspection endpoint (RFC 7662), its JWTs are verified locally *and* introspected so
// a revoked one is refused, and a transfer needs a recent multi-factor login (RFC 9470 step-up).
// `server.ts` serves it next to an embedded authorization server; tests call `createPaymentsApp`.
import {
  type GatehouseOptions,
  requireAuth,
  requireAuthentication,
  requireScopes,
} from '@gatehouse/express';
import express, { type Express } from 'express';

export interface PaymentsConfig {
  /** The authorization server's issuer URL. */
  issuer: string;
  /** This API's identifier: the `aud` of its tokens. */
  audience: string;
  /** This API's credentials at the introspection endpoint (RFC 7662 §2.1). */
  clientId: string;
  clientSecret: string;
  /** Default: `introspection_endpoint` from the issuer's discovery document. */
  introspectionEndpoint?: string;
  /**
   * How long an introspection answer is reused: the longest a revoked token stays accepted.
   * Default 30 s.
   */
  revocationDelay?: string;
}

/** The acr value of a multi-factor login at this authorization server. */
export const MFA = 'urn:example:mfa';

export function createPaymentsApp(config: PaymentsConfig): Express {
  const options: GatehouseOptions = {
    issuer: {
      issuer: config.issuer,
      introspection: {
        ...(config.introspectionEndpoint ? { endpoint: config.introspectionEndpoint } : {}),
        clientId: config.clientId,
        clientSecret: config.clientSecret,
        // Opaque tokens and this issuer's JWTs alike: a JWT is verified here, then must also be
        // active there, so revoking it at the authorization server takes effect.
        tokens: 'all',
        cache: { maxTtl: config.revocationDelay ?? '30s' },
      },
    },
    audience: config.audience,
  };
  // One middleware per API: its verifier and caches serve every route.
  const auth = requireAuth(options);
  const app = express();
  app.use(express.json());
  app.get('/ready', (_req, res) => {
    const health = auth.health();
    res.status(health.ready ? 200 : 503).json(health);
  });
  app.use('/api', auth);

  app.get('/api/accounts', requireScopes('accounts:read'), (req, res) => {
    res.json({ owner: req.auth?.subject, accounts: [{ id: 'acc-1', balance: 1250 }] });
  });

  // Moving money: the scope, plus a multi-factor login at most 5 minutes old. A client whose
  // token lacks either gets 401 insufficient_user_authentication with acr_values and max_age,
  // sends the user back to log in with those, and retries with the new token.
  app.post(
    '/api/transfers',
    requireScopes('payments:write'),
    requireAuthentication({ acr: [MFA], maxAge: 300 }),
    (req, res) => {
      res.status(201).json({ from: req.auth?.subject, amount: req.body?.amount ?? 0 });
    },
  );
  return app;
}
