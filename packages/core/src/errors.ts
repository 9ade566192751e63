/**
 * The one error type of Gatehouse and the one place that maps it to HTTP (RFC 6750 §3).
 *
 * Does not: copy a library's or a cause's message into `description`; echo the token; subclass
 * per status.
 */

/** RFC 6750 §3.1 error codes, plus `unauthorized` (no credentials) and `temporarily_unavailable`. */
export type ErrorCode =
  | 'unauthorized'
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'temporarily_unavailable';

/** Why a request was refused; stable, for logs and metrics (`onEvent`). */
export type ErrorReason =
  // unauthorized
  | 'missing_credentials'
  // invalid_request
  | 'malformed_header'
  | 'multiple_credentials'
  // invalid_token: shape
  | 'malformed_token'
  | 'token_too_large'
  | 'unsupported_serialization'
  | 'unsupported_algorithm'
  | 'unsupported_header'
  // invalid_token: keys and signature
  | 'unknown_kid'
  | 'ambiguous_key'
  | 'unknown_issuer'
  | 'bad_signature'
  // invalid_token: claims
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'too_old'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'type_mismatch'
  | 'missing_claim'
  | 'invalid_claim'
  | 'claim_mismatch'
  | 'nonce_mismatch'
  | 'azp_mismatch'
  | 'auth_time_too_old'
  | 'unknown_subject'
  | 'sender_constrained'
  // insufficient_scope
  | 'insufficient_scope'
  // temporarily_unavailable
  | 'keys_unavailable';

const STATUS: Record<ErrorCode, number> = {
  unauthorized: 401,
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  temporarily_unavailable: 503,
};

export interface GatehouseErrorInit {
  /** Scopes that would have been sufficient (insufficient_scope only). */
  scope?: readonly string[];
  /** Seconds the client should wait (temporarily_unavailable only). */
  retryAfter?: number;
  /** The underlying error, for server-side logs only; never sent to the client. */
  cause?: unknown;
}

/**
 * Every refusal Gatehouse makes. `code` is the RFC 6750 word, `reason` the precise cause,
 * `description` a short human sentence safe to send to the client.
 */
export class GatehouseError extends Error {
  override readonly name = 'GatehouseError';
  readonly code: ErrorCode;
  readonly reason: ErrorReason;
  readonly status: number;
  readonly description: string;
  readonly scope: readonly string[] | undefined;
  readonly retryAfter: number | undefined;

  constructor(
    code: ErrorCode,
    reason: ErrorReason,
    description: string,
    init: GatehouseErrorInit = {},
  ) {
    super(description, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.reason = reason;
    this.status = STATUS[code];
    this.description = description;
    this.scope = init.scope;
    this.retryAfter = init.retryAfter;
  }
}

/** True for errors made by Gatehouse (also across duplicated copies of the package). */
export function isGatehouseError(error: unknown): error is GatehouseError {
  return (
    error instanceof GatehouseError ||
    (error as { name?: unknown } | null)?.name === 'GatehouseError'
  );
}

export const invalidToken = (reason: ErrorReason, description: string, cause?: unknown) =>
  new GatehouseError('invalid_token', reason, description, { cause });

export const invalidRequest = (reason: ErrorReason, description: string) =>
  new GatehouseError('invalid_request', reason, description);

/** Parameters of the `WWW-Authenticate` challenge that come from configuration, not the error. */
export interface ChallengeOptions {
  /** RFC 6750 §3 `realm`. */
  realm?: string;
  /** RFC 9728 §5.1 `resource_metadata`: URL of the protected resource metadata. */
  resourceMetadata?: string;
}

export interface HttpErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: ErrorCode; error_description: string };
}

/**
 * The HTTP answer for a refusal, per RFC 6750 §3 (the table in DESIGN.md): status,
 * `WWW-Authenticate`, `Cache-Control: no-store`, `Retry-After` on 503, and a JSON body.
 * Every adapter writes exactly this.
 */
export function toHttpResponse(
  error: GatehouseError,
  challenge: ChallengeOptions = {},
): HttpErrorResponse {
  const headers: Record<string, string> = {
    'cache-control': 'no-store',
    'content-type': 'application/json; charset=utf-8',
  };
  if (error.code === 'temporarily_unavailable') {
    headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfter ?? 5)));
  } else {
    headers['www-authenticate'] = challengeHeader(error, challenge);
  }
  return {
    status: error.status,
    headers,
    body: { error: error.code, error_description: error.description },
  };
}

function challengeHeader(error: GatehouseError, challenge: ChallengeOptions): string {
  const params: string[] = [];
  if (challenge.realm !== undefined) params.push(`realm=${quote(challenge.realm)}`);
  if (challenge.resourceMetadata !== undefined) {
    params.push(`resource_metadata=${quote(challenge.resourceMetadata)}`);
  }
  // RFC 6750 §3.1: a request without credentials gets no error code.
  if (error.code !== 'unauthorized') {
    params.push(`error="${error.code}"`);
    params.push(`error_description=${quote(error.description)}`);
    if (error.code === 'insufficient_scope' && error.scope?.length) {
      params.push(`scope=${quote(error.scope.join(' '))}`);
    }
  }
  return params.length ? `Bearer ${params.join(', ')}` : 'Bearer';
}

/**
 * RFC 6750 §3 allows only %x20-21 / %x23-5B / %x5D-7E inside these values, so `"` and `\` are
 * replaced rather than escaped, and anything outside printable ASCII is dropped: a header that
 * some clients cannot parse is worse than a slightly altered description.
 */
function quote(value: string): string {
  return `"${value.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '')}"`;
}
