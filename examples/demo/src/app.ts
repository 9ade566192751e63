import { type AuthContext, isClientCredentials, type VerifierOptions } from '@gatehouse/core';
import { getAuth, requireAuth, requireScopes } from '@gatehouse/express';
import express, { type ErrorRequestHandler, type Express, type Request } from 'express';
import { createTransfer, listAccounts, parseTransferRequest } from './accounts.js';
import { type Database, findOrCreateUserBySubject, type User } from './db.js';

export interface AppOptions {
  /** Who issues the tokens this API accepts, and the audience it answers to. */
  verifierOptions: VerifierOptions;
  db: Database;
}

/**
 * The demo "accounts" API:
 *
 * - `GET /health`: public.
 * - `GET /me`: any valid token. A user token answers its local user row, created on first sight
 *   (just-in-time provisioning). A client-credentials token has no end user: it answers
 *   `{ kind: 'client', clientId, scopes }` and provisions nothing.
 * - `GET /accounts`: scope `accounts:read`. Users see their own accounts; a machine client (a
 *   back-office job, say) sees all of them.
 * - `POST /transfers`: scope `transfers:write`, and an end user: `{ from, to, amountCents, memo? }`
 *   between two of the user's accounts. 400 for a bad body, 404 for an unknown account, 422 for
 *   insufficient funds, 403 for a machine client.
 *
 * Refusals of tokens are Gatehouse's RFC 6750 answers (401 / 403 with `WWW-Authenticate`).
 */
export function createApp({ verifierOptions, db }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');

  const authenticate = requireAuth<User>({
    ...verifierOptions,
    // Machine clients map to no user; `continue` lets their requests through without one.
    unknownUser: 'continue',
    resolveUser: (auth: AuthContext) =>
      auth.subject === undefined || isClientCredentials(auth)
        ? undefined
        : findOrCreateUserBySubject(db.sql, auth.issuer, auth.subject),
  });
  const userOf = (req: Request) => getAuth<User>(req)?.user;

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', database: db.kind });
  });

  app.get('/me', authenticate, (req, res) => {
    const auth = req.auth!;
    const user = userOf(req);
    if (user) {
      res.json({ kind: 'user', user, scopes: auth.scopes });
    } else {
      res.json({ kind: 'client', clientId: auth.clientId ?? null, scopes: auth.scopes });
    }
  });

  app.get('/accounts', authenticate, requireScopes('accounts:read'), async (req, res) => {
    res.json({ accounts: await listAccounts(db.sql, userOf(req)?.id) });
  });

  app.post(
    '/transfers',
    authenticate,
    requireScopes('transfers:write'),
    // Parsed only once the token is known to be good: anonymous bodies are never read.
    express.json({ limit: '4kb' }),
    async (req, res) => {
      const user = userOf(req);
      if (!user) {
        res.status(403).json({
          error: 'end_user_required',
          error_description: 'transfers are made by end users, not by machine clients',
        });
        return;
      }
      const parsed = parseTransferRequest(req.body);
      if (!parsed.ok) {
        res.status(400).json({ error: 'invalid_body', problems: parsed.problems });
        return;
      }
      const result = await createTransfer(db.sql, user.id, parsed.value);
      if (result.ok) {
        res.status(201).json({ transfer: result.transfer });
      } else if (result.refusal === 'unknown_account') {
        res.status(404).json({ error: 'unknown_account' });
      } else {
        res.status(422).json({ error: 'insufficient_funds' });
      }
    },
  );

  app.use(errorHandler);
  return app;
}

/** Body-parser refusals are the client's fault (4xx); anything else is ours, told without details. */
const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  const { status, type } = error as { status?: unknown; type?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const problem =
      type === 'entity.too.large' ? 'the body is larger than 4 KB' : 'the body must be JSON';
    res.status(status).json({ error: 'invalid_body', problems: [problem] });
    return;
  }
  console.error('demo: request failed', error);
  res.status(500).json({ error: 'server_error' });
};
