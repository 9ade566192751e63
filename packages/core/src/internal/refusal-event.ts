/**
 * What a `token_rejected` event says beyond code and reason: the details an operator needs to fix
 * a misconfiguration (the untrusted `iss` next to the configured issuers; the cause of an
 * outage), computed on the refusal path only.
 *
 * Does not: put a token, a claim set or an unbounded value from a token into an event.
 */
import { type GatehouseError, invalidToken } from '../errors.js';
import type { GatehouseEvent } from '../types.js';
import { FetchFailure } from './fetch-json.js';

type Rejection = Extract<GatehouseEvent, { type: 'token_rejected' }>;

const MAX_SHOWN = 200;

// Details known where the error is made, read where the event is: errors stay plain.
const mismatches = new WeakMap<
  GatehouseError,
  { tokenIssuer: string; expected: readonly string[] }
>();

/**
 * A value from a token, safe for a log line: control characters (line breaks included, which
 * could forge log lines) and lone surrogates replaced by `?`, at most 200 characters.
 */
export function printable(value: string): string {
  const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
  return shown.replace(/[\p{Cc}\u2028\u2029]|\p{Cs}/gu, '?');
}

/** `invalid_token` / `issuer_mismatch` for a token whose `iss` is not among `expected`. */
export function issuerMismatch(tokenIssuer: string, expected: readonly string[]): GatehouseError {
  const error = invalidToken(
    'issuer_mismatch',
    'the token is from an issuer this API does not trust',
  );
  mismatches.set(error, { tokenIssuer, expected });
  return error;
}

/** The `token_rejected` event for `error`. */
export function rejectionEvent(error: GatehouseError): Rejection {
  const event: Rejection = { type: 'token_rejected', code: error.code, reason: error.reason };
  const mismatch = mismatches.get(error);
  if (mismatch !== undefined) {
    event.tokenIssuer = printable(mismatch.tokenIssuer);
    event.expectedIssuers = mismatch.expected;
  } else if (error.reason === 'keys_unavailable') {
    event.detail = error.cause instanceof FetchFailure ? error.cause.detail : 'unexpected error';
  }
  return event;
}
