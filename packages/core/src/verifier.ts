import type { DpopRequest } from './dpop/proof.js';
import type { ChallengeOptions } from './errors.js';
import type { IdTokenOptions } from './id-token.js';
import type { VerifierHealth } from './readiness.js';
import type { AuthContext } from './types.js';

/** An `Authorization` header value: Node gives a string, or an array when it was repeated. */
export type Authorization = string | readonly string[] | undefined;

/** What a DPoP proof is checked against: the request's details, or a function giving them. */
export type DpopRequestSource = DpopRequest | (() => DpopRequest);

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
   *
   * With `dpop` on, an `Authorization: DPoP` credential is accepted too (RFC 9449 §7): `request`
   * then gives the `DPoP` header, method and URL its proof is checked against (a function is
   * called only for a DPoP credential), and the result has `dpop` set. With `dpop.required`, a
   * Bearer credential counts as none.
   */
  authenticate(authorization: Authorization, request?: DpopRequestSource): Promise<AuthContext>;
  /**
   * `authenticate` for adapters: the same answer, but a verified-token cache hit is given as the
   * `AuthContext` itself, not a promise, so the commonest request costs no microtask. Refusals
   * are a rejected promise; it never throws. Optional for verifiers of your own.
   */
  authenticateNow?(
    authorization: Authorization,
    request?: DpopRequestSource,
  ): AuthContext | Promise<AuthContext>;
  /**
   * Verifies an OpenID Connect ID token (OIDC Core §3.1.3.7) of a configured issuer, for APIs
   * that receive one to cross-reference a user. Never cached; an access token (`typ: at+jwt`) is
   * refused.
   */
  verifyIdToken(token: string, options: IdTokenOptions): Promise<AuthContext>;
  /**
   * Fetches discovery and keys of every issuer now, unless they are fresh (a warm-up at start-up,
   * or a readiness check). Rejects with `GatehouseReadinessError` naming each issuer, the URL that
   * failed and the cause; inside the key store's backoff after a failure, at once.
   */
  ready(): Promise<void>;
  /** A snapshot per issuer for a readiness endpoint: keys loaded, last refresh, last error, stale. */
  health(): VerifierHealth;
  /** `realm` and `resource_metadata` for `toHttpResponse`. */
  readonly challenge: ChallengeOptions;
}
