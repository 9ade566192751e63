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
  /** From `resolveUser`, when configured. */
  user?: User;
  /**
   * Set when the request used DPoP (RFC 9449): `jkt`, the thumbprint of the proof key (equal to
   * the token's `cnf.jkt`), and `nonce`, a fresh server nonce the adapter sends as `DPoP-Nonce`.
   */
  dpop?: { jkt: string; nonce?: string };
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
