/**
 * The one error type of Gatehouse and the one place that maps it to HTTP (RFC 6750 §3).
 *
 * Does not: copy a library's or a cause's message into `description`; echo the token; subclass
 * per status.
 */

/**
 * RFC 6750 §3.1 error codes, plus `unauthorized` (no credentials), `temporarily_unavailable`,
 * RFC 9470 §3 `insufficient_user_authentication`, and RFC 9449 §7.1 / §9's `invalid_dpop_proof`
 * and `use_dpop_nonce`.
 */
export type ErrorCode =
  | 'unauthorized'
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'insufficient_user_authentication'
  | 'temporarily_unavailable'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

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
  | 'token_inactive'
  | 'sender_constrained'
  // insufficient_scope
  | 'insufficient_scope'
  | 'missing_role'
  // insufficient_user_authentication (RFC 9470)
  | 'acr_not_accepted'
  | 'auth_time_missing'
  // temporarily_unavailable
  | 'keys_unavailable'
  | 'introspection_unavailable'
  | 'replay_store_unavailable'
  // DPoP (RFC 9449): invalid_request
  | 'multiple_dpop_proofs'
  // DPoP: invalid_token (the token, not the proof, is wrong for a DPoP request)
  | 'dpop_binding_mismatch'
  | 'dpop_unbound_token'
  // DPoP: invalid_dpop_proof
  | 'dpop_proof_missing'
  | 'dpop_proof_malformed'
  | 'dpop_proof_too_large'
  | 'dpop_type_mismatch'
  | 'dpop_unsupported_algorithm'
  | 'dpop_invalid_key'
  | 'dpop_bad_signature'
  | 'dpop_missing_claim'
  | 'dpop_method_mismatch'
  | 'dpop_url_mismatch'
  | 'dpop_stale'
  | 'dpop_token_hash_mismatch'
  | 'dpop_replayed'
  // DPoP: use_dpop_nonce
  | 'dpop_nonce_required'
  | 'dpop_nonce_invalid';

const STATUS: Record<ErrorCode, number> = {
  unauthorized: 401,
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  insufficient_user_authentication: 401,
  temporarily_unavailable: 503,
  invalid_dpop_proof: 401,
  use_dpop_nonce: 401,
};

/** The authentication scheme of a refused credential (RFC 6750 `Bearer`, RFC 9449 `DPoP`). */
export type AuthScheme = 'Bearer' | 'DPoP';

export interface GatehouseErrorInit {
  /** Scopes that would have been sufficient (insufficient_scope only). */
  scope?: readonly string[];
  /** Seconds the client should wait (temporarily_unavailable only). */
  retryAfter?: number;
  /** RFC 9470 §3 `acr_values`, in order of preference (insufficient_user_authentication only). */
  acrValues?: readonly string[];
  /** RFC 9470 §3 `max_age` in seconds (insufficient_user_authentication only). */
  maxAge?: number;
  /** The underlying error, for server-side logs only; never sent to the client. */
  cause?: unknown;
  /**
   * The scheme of the refused credential, which decides the challenge that carries `error`.
   * Default: `DPoP` for the DPoP codes, else `Bearer`.
   */
  scheme?: AuthScheme;
  /** A server nonce for the client's next DPoP proof: sent as `DPoP-Nonce` (RFC 9449 §9). */
  dpopNonce?: string;
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
  readonly acrValues: readonly string[] | undefined;
  readonly maxAge: number | undefined;
  readonly scheme: AuthScheme;
  readonly dpopNonce: string | undefined;

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
    this.acrValues = init.acrValues;
    this.maxAge = init.maxAge;
    this.scheme =
      init.scheme ??
      (code === 'invalid_dpop_proof' || code === 'use_dpop_nonce' ? 'DPoP' : 'Bearer');
    this.dpopNonce = init.dpopNonce;
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
  /**
   * Set when DPoP is accepted (RFC 9449 §7.1): a `DPoP` challenge with `algs` is offered, after
   * the `Bearer` one unless `bearer` is false (DPoP required).
   */
  dpop?: { algorithms: readonly string[]; bearer: boolean };
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
  // RFC 9449 §8: at most one DPoP-Nonce; the nonce alphabet (NQCHAR) needs no quoting.
  if (error.dpopNonce !== undefined) headers['dpop-nonce'] = error.dpopNonce;
  return {
    status: error.status,
    headers,
    body: { error: error.code, error_description: error.description },
  };
}

/**
 * One challenge per accepted scheme, comma-separated in one field value (RFC 9110 §11.6.1);
 * the error parameters go on the challenge of the scheme the refused credential used
 * (RFC 9449 §7.1: `DPoP algs="…", error="…", error_description="…"`).
 */
function challengeHeader(error: GatehouseError, challenge: ChallengeOptions): string {
  const common: string[] = [];
  if (challenge.realm !== undefined) common.push(`realm=${quote(challenge.realm)}`);
  if (challenge.resourceMetadata !== undefined) {
    common.push(`resource_metadata=${quote(challenge.resourceMetadata)}`);
  }
  const dpop = challenge.dpop;
  const challenges: string[] = [];
  const bearerRefused = error.scheme === 'Bearer' && error.code !== 'unauthorized';
  if (dpop === undefined || dpop.bearer || bearerRefused) {
    challenges.push(scheme('Bearer', [...common, ...errorParams(error, 'Bearer')]));
  }
  if (dpop !== undefined || error.scheme === 'DPoP') {
    const algs = dpop === undefined ? [] : [`algs=${quote(dpop.algorithms.join(' '))}`];
    challenges.push(scheme('DPoP', [...common, ...algs, ...errorParams(error, 'DPoP')]));
  }
  return challenges.join(', ');
}

const scheme = (name: AuthScheme, params: readonly string[]) =>
  params.length ? `${name} ${params.join(', ')}` : name;

function errorParams(error: GatehouseError, forScheme: AuthScheme): string[] {
  // RFC 6750 §3.1: a request without credentials gets no error code.
  if (error.code === 'unauthorized' || error.scheme !== forScheme) return [];
  const params = [`error="${error.code}"`, `error_description=${quote(error.description)}`];
  if (error.code === 'insufficient_scope' && error.scope?.length) {
    params.push(`scope=${quote(error.scope.join(' '))}`);
  }
  // RFC 9470 §3 shows both as quoted strings; a client may be asked for both at once.
  if (error.code === 'insufficient_user_authentication') {
    if (error.acrValues?.length) params.push(`acr_values=${quote(error.acrValues.join(' '))}`);
    if (error.maxAge !== undefined) params.push(`max_age="${error.maxAge}"`);
  }
  return params;
}

/**
 * RFC 6750 §3 allows only %x20-21 / %x23-5B / %x5D-7E inside these values, so `"` and `\` are
 * replaced rather than escaped, and anything outside printable ASCII is dropped: a header that
 * some clients cannot parse is worse than a slightly altered description.
 */
function quote(value: string): string {
  return `"${value.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '')}"`;
}
