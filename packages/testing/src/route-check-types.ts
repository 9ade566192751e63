// The shapes of the conformance kit's checks (`checkProtectedRoute`).
import type { TestIssuer } from './types.js';

/**
 * What a check demands of the route:
 * - `accepted`: a 2xx answer;
 * - `no_credentials`: 401 with a `Bearer` challenge that has no `error` (RFC 6750 §3.1);
 * - `invalid_request`: 400 with `Bearer error="invalid_request"` (RFC 6750 §3.1);
 * - `invalid_token`: 401 with `Bearer error="invalid_token"` (RFC 6750 §3.1).
 */
export type Expectation = 'accepted' | 'no_credentials' | 'invalid_request' | 'invalid_token';

/** `attack`: a forged or unusable token; `rfc6750`: how credentials are read and refused. */
export type CheckCategory = 'baseline' | 'attack' | 'rfc6750';

/** What the cases build their requests from. */
export interface CaseContext {
  issuer: TestIssuer;
  /** A second issuer that the app does not trust, serving its own JWKS. */
  attacker: TestIssuer;
  /** Claims added to every token (the route's scope, say), and the audience. */
  claims: Record<string, unknown>;
  /** A fresh valid token. */
  valid(extra?: Record<string, unknown>, expiresIn?: number): Promise<string>;
  /** The claims of a fresh valid token, to be signed in a hostile way. */
  validClaims(): Promise<Record<string, unknown>>;
}

/** One check of the matrix: the `Authorization` values to send and the answer required. */
export interface CheckCase {
  id: string;
  category: CheckCategory;
  /** One line: what is sent. */
  title: string;
  expect: Expectation;
  /**
   * The token names a `kid` (or kid and alg) the trusted issuer does not publish: besides 401
   * `invalid_token`, a 503 with `Retry-After` passes ("retry later": the issuer may publish that
   * key soon, and a verifier refetching keys at most once per cooldown cannot tell yet).
   */
  unknownKid?: true;
  authorization(ctx: CaseContext): Promise<string[]>;
}
