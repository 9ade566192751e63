import type { Sql } from './db.js';

export interface Account {
  id: number;
  userId: number;
  name: string;
  balanceCents: number;
}

/** A transfer between two of the caller's own accounts, as accepted by `POST /transfers`. */
export interface TransferRequest {
  from: string;
  to: string;
  amountCents: number;
  memo?: string;
}

export interface Transfer extends TransferRequest {
  id: number;
  createdAt: string;
}

/** Why a well-formed transfer was refused; the route maps each to a status. */
export type TransferRefusal = 'unknown_account' | 'insufficient_funds';

const MAX_AMOUNT_CENTS = 10_000_000;
const MAX_MEMO_LENGTH = 140;

interface AccountRow {
  id: number;
  user_id: number;
  name: string;
  balance_cents: number;
}

const toAccount = (row: AccountRow): Account => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  balanceCents: row.balance_cents,
});

/** The accounts of one user, or of everyone when `userId` is undefined (machine clients). */
export async function listAccounts(sql: Sql, userId?: number): Promise<Account[]> {
  const { rows } =
    userId === undefined
      ? await sql.query<AccountRow>('SELECT * FROM accounts ORDER BY id')
      : await sql.query<AccountRow>('SELECT * FROM accounts WHERE user_id = $1 ORDER BY id', [
          userId,
        ]);
  return rows.map(toAccount);
}

/**
 * Checks a `POST /transfers` body. Returns the transfer, or a list of problems (one per
 * field) for a 400 answer. Unknown fields are ignored.
 */
export function parseTransferRequest(
  body: unknown,
): { ok: true; value: TransferRequest } | { ok: false; problems: string[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, problems: ['the body must be a JSON object'] };
  }
  const { from, to, amountCents, memo } = body as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof from !== 'string' || from === '') problems.push('from: an account name is required');
  if (typeof to !== 'string' || to === '') problems.push('to: an account name is required');
  if (typeof from === 'string' && from === to) problems.push('to: must differ from "from"');
  if (
    typeof amountCents !== 'number' ||
    !Number.isInteger(amountCents) ||
    amountCents <= 0 ||
    amountCents > MAX_AMOUNT_CENTS
  ) {
    problems.push(`amountCents: an integer from 1 to ${MAX_AMOUNT_CENTS} is required`);
  }
  if (memo !== undefined && (typeof memo !== 'string' || memo.length > MAX_MEMO_LENGTH)) {
    problems.push(`memo: a string of at most ${MAX_MEMO_LENGTH} characters`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: {
      from: from as string,
      to: to as string,
      amountCents: amountCents as number,
      ...(memo === undefined ? {} : { memo: memo as string }),
    },
  };
}

/**
 * Moves money between two accounts of the same user. One SQL statement debits, credits and
 * records, so there is no partial transfer and no race between the balance check and the debit.
 */
export async function createTransfer(
  sql: Sql,
  userId: number,
  request: TransferRequest,
): Promise<{ ok: true; transfer: Transfer } | { ok: false; refusal: TransferRefusal }> {
  const { rows } = await sql.query<{ id: number; created_at: Date | string }>(
    `WITH source AS (
       SELECT id FROM accounts WHERE user_id = $1 AND name = $2
     ), target AS (
       SELECT id FROM accounts WHERE user_id = $1 AND name = $3
     ), debit AS (
       UPDATE accounts SET balance_cents = balance_cents - $4
       WHERE id = (SELECT id FROM source) AND balance_cents >= $4
         AND EXISTS (SELECT 1 FROM target)
       RETURNING id
     ), credit AS (
       UPDATE accounts SET balance_cents = balance_cents + $4
       WHERE id = (SELECT id FROM target) AND EXISTS (SELECT 1 FROM debit)
       RETURNING id
     )
     INSERT INTO transfers (user_id, from_account_id, to_account_id, amount_cents, memo)
     SELECT $1, debit.id, credit.id, $4, $5 FROM debit, credit
     RETURNING id, created_at`,
    [userId, request.from, request.to, request.amountCents, request.memo ?? null],
  );
  const row = rows[0];
  if (row) {
    return {
      ok: true,
      transfer: { id: row.id, ...request, createdAt: new Date(row.created_at).toISOString() },
    };
  }
  const known = await sql.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM accounts WHERE user_id = $1 AND name IN ($2, $3)',
    [userId, request.from, request.to],
  );
  return {
    ok: false,
    refusal: known.rows[0]?.count === 2 ? 'insufficient_funds' : 'unknown_account',
  };
}
