import type { ChallengeOptions, ErrorCode, ErrorReason } from './errors.js';
import type { IdTokenOptions } from './id-token.js';

/** The protected header of a JWS (RFC 7515 §4). */
export interface JwtHeader {
  alg: string;
  kid?: string;
  typ?: string;
  cty?: string;
  crit?: string[];
  [parameter: string]: unknown;
}

/** The claims of a JWT (RFC 7519 §4, RFC 9068 §2.2, OIDC Core §2). */
export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  nbf?: number;
  iat?: number;
  jti?: string;
  client_id?: string;
  azp?: string;
  scope?: string;
  scp?: string | string[];
  permissions?: string[];
  [claim: string]: unknown;
}

/**
 * What a verified access token says, as handed to route handlers.
 *
 * A machine-to-machine token (client credentials grant) has no end user: `subject` is absent or
 * equals `clientId` (RFC 9068 §2.2), which `isClientCredentials` reports without guessing.
 */
export interface AuthContext<User = unknown> {
  /** The raw token. Never log it. */
  token: string;
  header: JwtHeader;
  claims: JwtClaims;
  /** The `iss` of the token, one of the configured issuers. */
  issuer: string;
  subject?: string;
  /** `client_id` (RFC 9068), else `azp`. */
  clientId?: string;
  /** From `scope` (space-separated), `scp` (array or string) and `permissions` (array). */
  scopes: readonly string[];
  /** From `resolveUser`, when configured. */
  user?: User;
}

/** Observability hook payloads (`onEvent`). Never contain a token. */
export type GatehouseEvent =
  | { type: 'discovery'; issuer: string; jwksUri: string }
  | {
      type: 'keys_refreshed';
      issuer: string;
      jwksUri: string;
      keyCount: number;
      trigger: 'initial' | 'max_age' | 'unknown_kid';
    }
  | {
      type: 'keys_refresh_failed';
      issuer: string;
      jwksUri: string;
      /** True when stale keys are still being served. */
      stale: boolean;
      /** Short, safe description of the failure (status, timeout, size…). */
      detail: string;
    }
  | { type: 'token_rejected'; code: ErrorCode; reason: ErrorReason };

export type EventListener = (event: GatehouseEvent) => void;

/** An `Authorization` header value: Node gives a string, or an array when it was repeated. */
export type Authorization = string | readonly string[] | undefined;

/** Verifies access tokens (and, on request, ID tokens) of the configured issuers. */
export interface Verifier {
  /**
   * Verifies an access token (RFC 9068 §4) and returns what it says.
   * Throws `GatehouseError`: `invalid_token` for any bad token, `temporarily_unavailable` when
   * the issuer's keys cannot be had.
   */
  verify(token: string): Promise<AuthContext>;
  /**
   * Extracts the Bearer token from an `Authorization` header value (RFC 6750 §2.1) and verifies
   * it. Throws `GatehouseError` `unauthorized` when there is no Bearer credential at all,
   * `invalid_request` when it is malformed, else as `verify`.
   */
  authenticate(authorization: Authorization): Promise<AuthContext>;
  /**
   * `authenticate` for adapters: the same answer, but a verified-token cache hit is given as the
   * `AuthContext` itself, not a promise, so the commonest request costs no microtask. Refusals
   * are a rejected promise; it never throws. Optional for verifiers of your own.
   */
  authenticateNow?(authorization: Authorization): AuthContext | Promise<AuthContext>;
  /**
   * Verifies an OpenID Connect ID token (OIDC Core §3.1.3.7) of a configured issuer, for APIs
   * that receive one to cross-reference a user. Never cached; an access token (`typ: at+jwt`) is
   * refused.
   */
  verifyIdToken(token: string, options: IdTokenOptions): Promise<AuthContext>;
  /** `realm` and `resource_metadata` for `toHttpResponse`. */
  readonly challenge: ChallengeOptions;
}
