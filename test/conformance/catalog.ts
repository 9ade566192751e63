import { it } from 'vitest';

/**
 * The AuthPlane OAuth SDK conformance catalog (Apache-2.0), which these tests translate. Only
 * case ids are referenced here; the catalog's own text stays in the catalog.
 */
export const CATALOG = Object.freeze({
  id: 'oauth-sdk-conformance-catalog',
  repository: 'AuthPlane/conformance',
  file: 'oauth-sdk-conformance-catalog.yaml',
  version: '2026-04-22',
  commit: 'b8ae5ccb13597a253dc049c74655dd0cfd341803',
});

/**
 * - `pass`: the catalog's expectation holds with the default configuration (or the
 *   configuration the case describes, e.g. its clock skew).
 * - `deviation`: deliberately different by default; `note` gives the reason and the option that
 *   makes the case pass.
 * - `not_supported`: the feature is not implemented yet; the test asserts what happens today.
 */
export type CaseStatus = 'pass' | 'deviation' | 'not_supported';

export interface CaseEntry {
  status: CaseStatus;
  /** One line, our words: how Gatehouse meets the case, or why not. */
  note: string;
}

/** Every case of the catalog that applies to a resource server, with our status. */
export const CASES = {
  // sdk-client.discovery: the verifier discovers its issuer's keys
  'rfc8414-metadata-issuer-must-match-configured-issuer': {
    status: 'pass',
    note: 'refused (503, keys_unavailable) at the first token: no network at construction',
  },
  'rfc8414-jwks-uri-required-for-jwt-validation': {
    status: 'pass',
    note: 'metadata without jwks_uri: 503, keys_unavailable',
  },
  'rfc8414-metadata-must-contain-issuer': {
    status: 'pass',
    note: 'metadata without issuer: 503, keys_unavailable',
  },
  'rfc8414-jwks-uri-must-be-absolute-https-url': {
    status: 'pass',
    note: 'relative or non-https jwks_uri (http only for loopback): 503',
  },
  'rfc8414-jwks-uri-rotation-must-reconfigure-jwks-cache': {
    status: 'deviation',
    note: 'the discovered jwks_uri is kept until it answers 404/410 (then rediscovered) or maxStale passes; metadata is not refetched while it works',
  },
  'rfc8414-discovery-url-must-insert-well-known-before-issuer-path': {
    status: 'pass',
    note: 'OIDC location first, then RFC 8414 §3.1 /.well-known/oauth-authorization-server/<path>',
  },
  // sdk-verifier.jwt and sdk-verifier.jwks
  'rfc9068-valid-at-jwt-must-verify': { status: 'pass', note: 'accepted' },
  'rfc9068-typ-must-be-at-jwt': {
    status: 'deviation',
    note: "default typ 'lenient' accepts JWT (most providers do not issue RFC 9068 tokens) but refuses JWTs with ID-token claims; typ: 'strict' refuses it",
  },
  'rfc9068-issuer-must-match': { status: 'pass', note: 'issuer_mismatch' },
  'rfc9068-audience-must-match-resource': { status: 'pass', note: 'audience_mismatch' },
  'rfc9068-required-claims-must-be-enforced': {
    status: 'deviation',
    note: 'iss, exp, aud always required; sub, client_id, iat, jti only with requiredClaims (most providers omit some of them)',
  },
  'rfc9068-token-header-must-contain-kid': {
    status: 'deviation',
    note: 'a token without kid is accepted when exactly one published key fits its alg; ambiguous_key otherwise',
  },
  'rfc9068-iat-future-must-be-rejected-beyond-leeway': { status: 'pass', note: 'issued_in_future' },
  'rfc9068-nbf-must-be-honored-when-present': { status: 'pass', note: 'not_yet_valid' },
  'rfc8725-allowed-jwt-algorithms-must-be-restricted': {
    status: 'pass',
    note: 'none never; HS* refused at verify, and at construction without a secret',
  },
  'rfc8725-kid-must-resolve-through-jwks-with-single-refresh-on-miss': {
    status: 'pass',
    note: 'one refetch per cooldown, then unknown_kid',
  },
  'rfc8725-jwk-selection-must-honor-use-key-ops-and-alg': {
    status: 'pass',
    note: 'keys with use enc, key_ops without verify or another alg are never candidates',
  },
  'rfc8707-verifier-must-accept-resource-when-present-in-aud-array': {
    status: 'pass',
    note: 'accepted',
  },
  'rfc9068-token-header-must-contain-alg': { status: 'pass', note: 'malformed_token' },
  'rfc9068-signature-failure-must-reject-token': { status: 'pass', note: 'bad_signature' },
  'rfc9068-expiration-and-clock-skew-must-be-enforced': {
    status: 'pass',
    note: 'clockTolerance: 30 gives exactly the four outcomes',
  },
  // sdk-verifier.revocation
  'rfc7662-verifier-active-false-must-reject-token': {
    status: 'pass',
    note: 'an issuer entry with `introspection`: active: false is 401 invalid_token (token_inactive)',
  },
  'rfc7662-introspection-fail-open-policy-must-be-explicitly-tested': {
    status: 'pass',
    note: 'fail closed, with no option to fail open: endpoint errors are 503 + Retry-After, never 200',
  },
  // sdk-verifier.dpop.inbound
  'rfc9449-dpop-proof-header-typ-must-be-dpop-jwt': {
    status: 'pass',
    note: 'dpop on: a proof with typ JWT is refused, invalid_dpop_proof / dpop_type_mismatch',
  },
  'rfc9449-inbound-dpop-proof-must-validate-method-url-and-binding': {
    status: 'pass',
    note: 'dpop on: a bound token with a valid proof for the method, the URI (query left out) and its cnf.jkt is accepted (Express and the verifier); auth.dpop.jkt names the proof key',
  },
  'rfc9449-bearer-token-with-request-context-and-no-proof-must-still-verify-as-bearer': {
    status: 'pass',
    note: 'dpop on: an unbound Bearer token with the request given and no proof is accepted, without auth.dpop',
  },
  'rfc9449-dpop-bound-token-with-request-context-and-no-proof-must-be-rejected-via-main-verify-path':
    {
      status: 'pass',
      note: 'a token with cnf is refused under Bearer (sender_constrained, dpop on or off) and under DPoP without a proof (dpop_proof_missing)',
    },
  'rfc9449-dpop-replay-must-be-detected': {
    status: 'pass',
    note: 'dpop on: the same proof twice, the second is refused, dpop_replayed (replay store keyed by thumbprint and jti)',
  },
  'rfc9449-dpop-method-mismatch-must-be-rejected': {
    status: 'pass',
    note: 'dpop on: htm POST on a GET is refused, dpop_method_mismatch',
  },
  'rfc9449-dpop-url-mismatch-must-be-rejected': {
    status: 'pass',
    note: 'dpop on: htu of another path is refused, dpop_url_mismatch',
  },
  'rfc9449-dpop-proof-htu-must-be-normalized-before-comparison': {
    status: 'pass',
    note: 'dpop on: htu and request URI both normalised (RFC 3986 §6.2.2-6.2.3: case, default port, percent-encoding; query and fragment dropped)',
  },
  'rfc9449-dpop-proof-htm-must-be-case-sensitive': {
    status: 'pass',
    note: 'dpop on: htm get on a GET is refused, dpop_method_mismatch (RFC 9110 §9.1)',
  },
  'rfc9449-dpop-replay-store-must-evict-expired-entries': {
    status: 'pass',
    note: 'createMemoryReplayStore: an expired key gives its slot to a new one (bounded by maxEntries; refuses, never forgets early, when full)',
  },
  'rfc9449-dpop-inbound-nonce-must-be-validated-when-required': {
    status: 'pass',
    note: 'dpop.nonce: a wrong or missing nonce is refused with use_dpop_nonce and a fresh DPoP-Nonce (the RFC 9449 §9 code, not invalid_dpop_proof); the issued nonce is accepted',
  },
  'rfc9449-dpop-proof-exp-must-be-enforced-when-present': {
    status: 'pass',
    note: 'dpop on: a proof exp past by more than clockTolerance (or not a number) is refused, dpop_stale; the iat window applies as well',
  },
  'rfc9449-dpop-proof-must-carry-public-jwk': {
    status: 'pass',
    note: 'dpop on: a proof without jwk is refused, dpop_invalid_key',
  },
  'rfc9449-dpop-proof-jwk-must-not-include-private-key-material': {
    status: 'pass',
    note: 'dpop on: a jwk with d (or p, q, dp, dq, qi, oth, k) is refused, dpop_invalid_key; the same proof with the public members only is accepted',
  },
  'rfc9449-dpop-proof-alg-must-be-supported-asymmetric': {
    status: 'pass',
    note: 'dpop on: HS256 is refused, dpop_unsupported_algorithm; dpop.algorithms accepts asymmetric algorithms only (construction fails)',
  },
  'rfc9449-dpop-proof-iat-must-not-be-in-the-future-beyond-leeway': {
    status: 'pass',
    note: 'dpop on: iat beyond now + clockTolerance is refused, dpop_stale',
  },
  'rfc9449-dpop-proof-must-not-be-too-old': {
    status: 'pass',
    note: 'dpop on: iat before now - dpop.maxAge (60 s) - clockTolerance is refused, dpop_stale',
  },
  'rfc9449-dpop-proof-required-when-validating-dpop-bound-token': {
    status: 'pass',
    note: 'dpop on: Authorization: DPoP without a DPoP header is refused, dpop_proof_missing',
  },
  'rfc9449-dpop-binding-mismatch-must-be-rejected': {
    status: 'pass',
    note: 'dpop on: a proof by another key than cnf.jkt is refused, invalid_token / dpop_binding_mismatch',
  },
  'rfc9449-dpop-ath-mismatch-must-be-rejected': {
    status: 'pass',
    note: 'dpop on: ath of another token is refused, dpop_token_hash_mismatch',
  },
  'rfc9449-dpop-bound-token-must-contain-cnf-jkt': {
    status: 'pass',
    note: 'dpop on: a token with cnf but no jkt is refused under DPoP, invalid_token / dpop_unbound_token',
  },
  'rfc9449-dpop-proof-validation-must-not-skip-binding-when-access-token-is-provided': {
    status: 'pass',
    note: 'dpop on: a valid proof for a token without cnf is refused, dpop_unbound_token; proofs are only checked together with the token binding',
  },
  'rfc9449-verifier-must-reject-bearer-only-token-when-resource-requires-dpop': {
    status: 'pass',
    note: 'dpop: { required: true } counts a Bearer credential as none (401)',
  },
  'rfc9449-verifier-must-reject-dpop-bound-token-when-resource-does-not-support-dpop': {
    status: 'pass',
    note: 'a token with cnf under Bearer is refused, invalid_token',
  },
  'rfc9449-verifier-must-reject-dpop-proof-when-access-token-is-not-dpop-bound': {
    status: 'deviation',
    note: 'dpop on: under Bearer the DPoP header is not read, so an unbound Bearer token with a stray proof is accepted as Bearer and the proof is never trusted (no auth.dpop); RFC 9449 defines no such check, and reading it would cost every Bearer request. Under DPoP an unbound token is refused',
  },
  // sdk-resource-metadata
  'rfc9728-prm-must-contain-required-fields': {
    status: 'pass',
    note: 'createResourceMetadata: resource and authorization_servers always present',
  },
  'rfc9728-prm-authorization-servers-must-list-the-issuer': {
    status: 'pass',
    note: 'the verifier refuses a document whose authorization servers are not its issuers',
  },
  'rfc9728-prm-supported-bearer-methods-should-be-stable': {
    status: 'pass',
    note: "bearer_methods_supported is ['header'] unless configured, the same bytes every time",
  },
  'rfc9728-well-known-path-must-derive-from-resource-uri': {
    status: 'pass',
    note: '/.well-known/oauth-protected-resource + the resource path (§3.1)',
  },
  'rfc9728-prm-dpop-fields-should-be-advertised-when-dpop-is-supported': {
    status: 'pass',
    note: 'createResourceMetadata({ dpopSigningAlgValuesSupported }) publishes dpop_signing_alg_values_supported; absent for an API without DPoP',
  },
  'rfc9728-prm-must-advertise-dpop-required-when-resource-requires-dpop': {
    status: 'pass',
    note: 'createResourceMetadata({ dpopBoundAccessTokensRequired: true }) publishes dpop_bound_access_tokens_required: true, for a verifier with dpop.required',
  },
  // sdk-verifier.claims
  'authplane-agent-id-must-be-exposed-as-first-class-field': {
    status: 'not_supported',
    note: 'not supported: AuthPlane-specific claim, read auth.claims.agent_id',
  },
  'authplane-agent-chain-must-be-exposed-as-first-class-field': {
    status: 'not_supported',
    note: 'not supported: AuthPlane-specific claim, read auth.claims.agent_chain',
  },
  'authplane-nbf-must-be-exposed-as-typed-field-on-verified-claims': {
    status: 'deviation',
    note: 'nbf is in auth.claims.nbf (a number when present, absent otherwise), not a separate field defaulting to 0',
  },
  // sdk-verifier.error-response
  'rfc6750-error-response-realm-should-be-included': {
    status: 'pass',
    note: 'realm option: every Bearer challenge carries it',
  },
  'rfc6750-error-response-must-map-error-codes': {
    status: 'pass',
    note: 'toHttpResponse: invalid_token / insufficient_scope on Bearer; a DPoP refusal (dpop on) as invalid_token on the DPoP challenge',
  },
} as const satisfies Record<string, CaseEntry>;

export type CaseId = keyof typeof CASES;

/** One test per catalog case, named by its id (test/conformance/report.test.ts checks that). */
export const caseIt = (id: CaseId, test: () => Promise<void> | void, timeout?: number) =>
  it(id, test, timeout);
