import type { ErrorCode, ErrorReason } from './errors.js';

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
  /** From the claims the `roles` option names (empty without it). */
  roles: readonly string[];
  /** From `resolveUser`, when configured. */
  user?: User;
  /**
   * Set when the request used DPoP (RFC 9449): `jkt`, the thumbprint of the proof key (equal to
   * the token's `cnf.jkt`), and `nonce`, a fresh server nonce the adapter sends as `DPoP-Nonce`.
   */
  dpop?: { jkt: string; nonce?: string };
}

/**
 * Observability hook payloads (`onEvent`), also what the `logger` and `telemetry` options are
 * built on. Never contain a token or a claim set; values taken from a token (`tokenIssuer`) are
 * bounded and stripped of control characters.
 */
export type GatehouseEvent =
  | { type: 'discovery'; issuer: string; jwksUri: string }
  | {
      type: 'keys_refreshed';
      issuer: string;
      jwksUri: string;
      keyCount: number;
      trigger: 'initial' | 'max_age' | 'unknown_kid';
      /** Present when earlier refreshes had failed: how many in a row (a recovery). */
      afterFailures?: number;
    }
  | {
      type: 'keys_refresh_failed';
      issuer: string;
      jwksUri: string;
      /** True when stale keys are still being served. */
      stale: boolean;
      /** Short, safe description of the failure (status, timeout, size…). */
      detail: string;
      /** The URL that failed: a discovery document or the JWKS. */
      url?: string;
      /** Failed refreshes in a row, this one included. */
      failures?: number;
      /** The `issuer` a discovery document named instead of the configured one (bounded). */
      metadataIssuer?: string;
    }
  | {
      type: 'token_rejected';
      code: ErrorCode;
      reason: ErrorReason;
      /** `issuer_mismatch`: the token's `iss`, at most 200 characters, control characters removed. */
      tokenIssuer?: string;
      /** `issuer_mismatch`: the configured issuers. */
      expectedIssuers?: readonly string[];
      /** `keys_unavailable`: why the keys could not be had (safe, as in `keys_refresh_failed`). */
      detail?: string;
    }
  /** Token introspection (RFC 7662) failed: endpoint down, slow, an error or garbage. */
  | {
      type: 'introspection_failed';
      issuer: string;
      detail: string;
      /** The endpoint called (absent when its discovery failed). */
      endpoint?: string;
      /** Failed calls in a row, this one included. */
      failures?: number;
      /** Set when this failure opened the circuit breaker: seconds of fail-fast 503s. */
      breakerOpenFor?: number;
    }
  /** The introspection endpoint answered again after failed calls (the breaker closed). */
  | { type: 'introspection_recovered'; issuer: string; endpoint: string; afterFailures: number }
  | {
      /**
       * A token's `iss` nearly names a configured issuer (or template) and was refused: a hint
       * for the operator. Never holds the token's own `iss`.
       */
      type: 'issuer_near_miss';
      configured: string;
      difference: 'case' | 'trailing_slash' | 'port' | 'scheme' | 'path';
    };

export type EventListener = (event: GatehouseEvent) => void;
