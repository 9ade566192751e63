import type { ErrorCode, ErrorReason } from '@gatehouse/core';
import {
  ACR_MFA,
  REALM,
  type Route,
  SCOPE,
  STEP_UP_MAX_AGE,
  type TokenKind,
  URL_SCOPE,
  type Variant,
} from './fixture.js';

/** Parameters the `WWW-Authenticate: Bearer …` challenge must carry (RFC 6750 §3). */
export interface ChallengeMatch {
  error: Exclude<ErrorCode, 'unauthorized' | 'temporarily_unavailable'>;
  /** Exact `scope` parameter; absent means the challenge must have none. */
  scope?: string;
  /** RFC 9470 §3 parameters, exact; absent means none. */
  acr_values?: string;
  max_age?: string;
  /** RFC 9728 §5.1 parameter, exact; absent means none. */
  resource_metadata?: string;
}

/**
 * The `DPoP` header a row sends (RFC 9449 §4): a proof of the fixture's client key for this
 * very request, or one that is wrong in one way.
 */
export type ProofKind =
  | 'valid'
  /** Sent once (and accepted), then sent again: the answer checked is the second one. */
  | 'replayed'
  | 'none'
  | 'twoHeaders'
  | 'otherMethod'
  | 'otherUrl'
  | 'otherKey'
  /** Learns the server nonce from a first (refused) request, then sends a proof with it. */
  | 'withNonce';

/**
 * The challenges of a DPoP-enabled API (RFC 9449 §7.1): `Bearer` and `DPoP` (with `algs`), or
 * `DPoP` alone when it is required; `error` goes on the challenge of the scheme the request used.
 */
export interface DpopChallengeMatch {
  offers: 'both' | 'dpop';
  errorOn?: 'Bearer' | 'DPoP';
}

/** One request and the answer every adapter must give it. */
export interface Row {
  name: string;
  /** Which adapter configuration serves the request (see `Fixture.options`). Default `default`. */
  variant?: Variant;
  /** `public` has no auth; `unguarded` has a guard but no requireAuth. Default `protected`. */
  route?: Route | 'public' | 'unguarded';
  /** `Authorization` value(s); `{token}` stands for the token of `token`. Default `Bearer {token}`. */
  header?: string | string[] | null;
  token?: TokenKind;
  /** The DPoP proof to send with it. Default none. */
  dpop?: ProofKind;
  /** Other places a credential is sent (`{token}` as in `header`): `Cookie`, `X-Access-Token`, query. */
  cookie?: string;
  tokenHeader?: string;
  query?: string;
  /**
   * Keys were fetched (the warm-up request must succeed), then the issuer went down and the
   * clock moved past the keys' max-age, so this request makes the verifier contact it.
   */
  jwksDown?: boolean;
  /**
   * Send the same request this many times, each answer checked: the first verifies, the second
   * admits the token to the cache, later ones are cache hits.
   */
  repeat?: number;
  expect: {
    status: number;
    /**
     * An exact challenge string, parameters of a `Bearer` challenge with `realm="api"`, or `null`
     * when the answer must carry no `WWW-Authenticate`.
     */
    challenge?: string | ChallengeMatch | null;
    /** Instead of `challenge`, for DPoP-enabled variants. */
    dpopChallenge?: DpopChallengeMatch;
    /** A `DPoP-Nonce` header must come with the answer (and must not otherwise). */
    dpopNonce?: boolean;
    /** `error` of the JSON body. */
    error?: ErrorCode | 'resolver_failure' | 'app_error';
    /**
     * Successful answers: the `sub` the route saw (`null`: no auth; `TOKEN_SUBJECT`: the token's
     * own `sub`) and the mapped user.
     */
    sub?: string | null | typeof TOKEN_SUBJECT;
    user?: unknown;
    /** The app's error handler wrote the answer (errors: 'delegate', or a throwing resolver). */
    handledBy?: 'app';
    /**
     * Why Gatehouse refused: required on every refusal it makes. Checked against the verifier's
     * `token_rejected` events, or, for `refusedBy` rows, the app's handler when it got the error.
     */
    reason?: ErrorReason;
    /**
     * The refusal comes after the verifier accepted the token (a guard, `resolveUser`), or from
     * an adapter around a verifier of one's own: the verifier emitted no event.
     */
    refusedBy?: 'guard' | 'resolver' | 'adapter';
  };
}

/** `expect.sub`: whatever `sub` the token carries (provider presets each have their own). */
export const TOKEN_SUBJECT: unique symbol = Symbol('the token sub');

const NO_CREDENTIALS = `Bearer realm="${REALM}"`;
/** Where the `metadata` variant's document is (its resource is the test issuer's audience). */
const METADATA_URL = 'https://api.example.test/.well-known/oauth-protected-resource';
const ok = { status: 200, sub: 'user-123' };
const noCredentials = {
  status: 401,
  challenge: NO_CREDENTIALS,
  error: 'unauthorized',
  reason: 'missing_credentials',
} as const;
const invalidToken = (reason: ErrorReason) =>
  ({
    status: 401,
    challenge: { error: 'invalid_token' },
    error: 'invalid_token',
    reason,
  }) as const;
const invalidRequest = (reason: ErrorReason) =>
  ({
    status: 400,
    challenge: { error: 'invalid_request' },
    error: 'invalid_request',
    reason,
  }) as const;
const weakAuthentication = (
  params: { acr_values?: string; max_age?: string },
  reason: ErrorReason,
) =>
  ({
    status: 401,
    challenge: { error: 'insufficient_user_authentication', ...params },
    error: 'insufficient_user_authentication',
    reason,
    refusedBy: 'guard',
  }) as const;
const needsMfa = weakAuthentication({ acr_values: ACR_MFA }, 'acr_not_accepted');
const needsRecent = (reason: ErrorReason) =>
  weakAuthentication({ max_age: String(STEP_UP_MAX_AGE) }, reason);
const invalidDpopProof = (reason: ErrorReason) =>
  ({
    status: 401,
    error: 'invalid_dpop_proof',
    dpopChallenge: { offers: 'both', errorOn: 'DPoP' },
    reason,
  }) as const;
const missingScope = (scope: string) =>
  ({
    status: 403,
    challenge: { error: 'insufficient_scope', scope },
    error: 'insufficient_scope',
    reason: 'insufficient_scope',
    refusedBy: 'guard',
  }) as const;

export const ROWS: readonly Row[] = [
  // RFC 6750 §2.1 / §3.1: credentials and their syntax
  {
    name: 'no Authorization header → 401 without error code (§3.1)',
    header: null,
    expect: noCredentials,
  },
  {
    name: 'Basic scheme → 401 without error code',
    header: 'Basic dXNlcjpwYXNz',
    expect: noCredentials,
  },
  {
    name: 'Bearer with an empty token → 400 invalid_request',
    header: 'Bearer ',
    expect: invalidRequest('malformed_header'),
  },
  {
    name: 'Bearer with characters outside b64token → 400 invalid_request',
    header: 'Bearer abc$def',
    expect: invalidRequest('malformed_header'),
  },
  {
    name: 'two Authorization headers → 400 invalid_request',
    header: ['Bearer {token}', 'Bearer {token}'],
    token: 'valid',
    expect: invalidRequest('multiple_credentials'),
  },
  {
    name: 'two credentials in one header → 400 invalid_request',
    header: 'Bearer {token}, Bearer {token}',
    token: 'valid',
    expect: invalidRequest('multiple_credentials'),
  },
  {
    name: 'lower-case "bearer" scheme (RFC 9110 §11.1) → 200',
    header: 'bearer {token}',
    token: 'valid',
    expect: ok,
  },
  {
    name: 'upper-case "BEARER" scheme → 200',
    header: 'BEARER {token}',
    token: 'valid',
    expect: ok,
  },
  {
    name: 'two spaces after the scheme (1*SP) → 200',
    header: 'Bearer  {token}',
    token: 'valid',
    expect: ok,
  },
  // RFC 9068 §4 / RFC 8725: the token itself
  { name: 'valid access token → 200 with sub', token: 'valid', expect: ok },
  { name: 'expired → 401 invalid_token', token: 'expired', expect: invalidToken('expired') },
  {
    name: 'not yet valid (nbf) → 401 invalid_token',
    token: 'notYetValid',
    expect: invalidToken('not_yet_valid'),
  },
  {
    name: 'wrong issuer → 401 invalid_token',
    token: 'wrongIssuer',
    expect: invalidToken('issuer_mismatch'),
  },
  {
    name: 'wrong audience → 401 invalid_token',
    token: 'wrongAudience',
    expect: invalidToken('audience_mismatch'),
  },
  { name: 'audience array containing ours → 200', token: 'audienceArray', expect: ok },
  {
    name: 'alg none with a non-empty signature → 401 invalid_token (RFC 8725 §3.2)',
    token: 'algNone',
    expect: invalidToken('unsupported_algorithm'),
  },
  {
    name: 'HS256 signed with the public key → 401 invalid_token (RFC 8725 §3.1)',
    token: 'hs256PublicKey',
    expect: invalidToken('unsupported_algorithm'),
  },
  {
    name: 'unknown kid → 401 invalid_token',
    token: 'unknownKid',
    expect: invalidToken('unknown_kid'),
  },
  {
    name: 'tampered payload → 401 invalid_token',
    token: 'tampered',
    expect: invalidToken('bad_signature'),
  },
  {
    name: 'DPoP-bound token (cnf.jkt) sent as Bearer, 3× → 401 invalid_token (RFC 9449 §7.2)',
    token: 'dpopBound',
    repeat: 3,
    expect: invalidToken('sender_constrained'),
  },
  {
    name: 'ID token for another client → 401 invalid_token',
    token: 'idToken',
    expect: invalidToken('audience_mismatch'),
  },
  {
    // With the default lenient `typ` (JWT accepted), only `aud` keeps an ID token out; when the
    // API's audience equals a client id, explicit typing is what tells them apart.
    name: "ID token whose aud is this API, typ: 'strict' → 401 invalid_token (RFC 8725 §3.11)",
    variant: 'strict',
    token: 'idTokenForUs',
    expect: invalidToken('type_mismatch'),
  },
  {
    // Lenient typing still refuses a JWT that carries ID-token claims such as `nonce`.
    name: 'ID token with nonce whose aud is this API, default typ → 401 invalid_token',
    token: 'idTokenWithNonceForUs',
    expect: invalidToken('type_mismatch'),
  },
  {
    name: "typ: 'strict', access token (at+jwt) → 200",
    variant: 'strict',
    token: 'valid',
    expect: ok,
  },
  {
    name: 'garbage → 401 invalid_token',
    token: 'garbage',
    expect: invalidToken('malformed_token'),
  },
  {
    name: 'signed token over maxTokenLength (10 KB) → 401 invalid_token',
    token: 'overLength',
    expect: invalidToken('token_too_large'),
  },
  // Node's http server refuses headers over 16 KiB itself (431) before any middleware runs.
  { name: '32 KB header → 431 from Node, never 500', token: 'huge', expect: { status: 431 } },
  // RFC 6750 §3.1 insufficient_scope, per-route guards
  { name: 'requireScopes with the scope → 200', route: 'scoped', token: 'scoped', expect: ok },
  {
    name: 'requireScopes, same token 4× (cache hits) → 200 every time',
    route: 'scoped',
    token: 'scoped',
    repeat: 4,
    expect: ok,
  },
  {
    name: 'requireScopes, scope missing → 403 with scope=',
    route: 'scoped',
    token: 'otherScope',
    expect: missingScope(SCOPE),
  },
  {
    name: 'requireScopes, same token without the scope 4× (cache hits) → 403 every time',
    route: 'scoped',
    token: 'otherScope',
    repeat: 4,
    expect: missingScope(SCOPE),
  },
  {
    name: 'requireScopes, no header → 401 from requireAuth',
    route: 'scoped',
    header: null,
    expect: noCredentials,
  },
  { name: 'scope granted via scp array → 200', route: 'scoped', token: 'scpArray', expect: ok },
  { name: 'URL-shaped scope granted → 200', route: 'url-scope', token: 'urlScope', expect: ok },
  {
    name: 'URL-shaped scope missing → 403 with that scope=',
    route: 'url-scope',
    token: 'scoped',
    expect: missingScope(URL_SCOPE),
  },
  { name: 'requireAnyScope, one of them → 200', route: 'any-scope', token: 'admin', expect: ok },
  {
    name: 'requireAnyScope, none → 403 listing the alternatives',
    route: 'any-scope',
    token: 'otherScope',
    expect: missingScope(`${SCOPE} admin`),
  },
  { name: 'requireClaims satisfied → 200', route: 'claims', token: 'tenantAcme', expect: ok },
  {
    name: 'requireClaims not satisfied → 403 insufficient_scope without scope=',
    route: 'claims',
    token: 'tenantOther',
    expect: {
      status: 403,
      challenge: { error: 'insufficient_scope' },
      error: 'insufficient_scope',
      reason: 'claim_mismatch',
      refusedBy: 'guard',
    },
  },
  {
    name: 'client-credentials token without sub → 200, no subject',
    route: 'scoped',
    token: 'noSub',
    expect: { status: 200, sub: null },
  },
  {
    name: 'guard without requireAuth → 401 (plus a process warning), not 500 or a pass',
    route: 'unguarded',
    token: 'scoped',
    expect: {
      status: 401,
      challenge: 'Bearer',
      error: 'unauthorized',
      reason: 'missing_credentials',
      refusedBy: 'guard',
    },
  },
  {
    name: 'public route without a token → 200',
    route: 'public',
    header: null,
    expect: { status: 200, sub: null },
  },
  {
    name: 'public route ignores a bad token → 200',
    route: 'public',
    token: 'garbage',
    expect: { status: 200, sub: null },
  },
  // optional: true
  {
    name: 'optional, no header → 200 anonymous',
    variant: 'optional',
    header: null,
    expect: { status: 200, sub: null },
  },
  {
    name: 'optional, another scheme → 200 anonymous',
    variant: 'optional',
    header: 'Basic dXNlcjpwYXNz',
    expect: { status: 200, sub: null },
  },
  { name: 'optional, valid token → 200 with sub', variant: 'optional', token: 'valid', expect: ok },
  {
    name: 'optional, same token 4× (cache hits) → 200 with sub every time',
    variant: 'optional',
    token: 'valid',
    repeat: 4,
    expect: ok,
  },
  {
    name: 'optional, bad token → still 401 invalid_token',
    variant: 'optional',
    token: 'garbage',
    expect: invalidToken('malformed_token'),
  },
  {
    name: 'optional, expired token → still 401 invalid_token',
    variant: 'optional',
    token: 'expired',
    expect: invalidToken('expired'),
  },
  {
    name: 'optional, empty Bearer → still 400 invalid_request',
    variant: 'optional',
    header: 'Bearer',
    expect: invalidRequest('malformed_header'),
  },
  {
    name: 'optional, scope-gated route without a token → 401',
    variant: 'optional',
    route: 'scoped',
    header: null,
    expect: { ...noCredentials, refusedBy: 'guard' },
  },
  // resolveUser
  {
    name: 'resolveUser hit → 200 with the user',
    variant: 'users',
    token: 'valid',
    expect: { ...ok, user: { id: 1, name: 'Ada' } },
  },
  {
    name: 'resolveUser, same token 4× → 200 with the user every time',
    variant: 'users',
    token: 'valid',
    repeat: 4,
    expect: { ...ok, user: { id: 1, name: 'Ada' } },
  },
  {
    name: 'resolveUser null → 401 invalid_token (unknown subject)',
    variant: 'users',
    token: 'ghost',
    expect: { ...invalidToken('unknown_subject'), refusedBy: 'resolver' },
  },
  {
    name: 'resolveUser throws → the app error handler gets the error unchanged',
    variant: 'users',
    token: 'boom',
    expect: { status: 502, challenge: null, error: 'resolver_failure', handledBy: 'app' },
  },
  {
    name: 'resolveUser throws null → the app error handler, never the route',
    variant: 'users',
    token: 'throwsNull',
    expect: { status: 502, challenge: null, error: 'app_error', handledBy: 'app' },
  },
  {
    name: 'resolveUser sees tokens without sub too (none mapped → 401)',
    variant: 'users',
    token: 'noSub',
    expect: { ...invalidToken('unknown_subject'), refusedBy: 'resolver' },
  },
  {
    name: "resolveUser null with unknownUser: 'continue' → 200 without user",
    variant: 'usersContinue',
    token: 'ghost',
    expect: { status: 200, sub: 'ghost', user: null },
  },
  // errors: 'delegate' — the app's handler writes the body, the challenge headers stay
  {
    name: 'delegate: no header → app handler, challenge kept',
    variant: 'delegate',
    header: null,
    expect: { ...noCredentials, handledBy: 'app' },
  },
  {
    name: 'delegate: expired → app handler, challenge kept',
    variant: 'delegate',
    token: 'expired',
    expect: { ...invalidToken('expired'), handledBy: 'app' },
  },
  {
    name: 'delegate: scope missing → app handler, scope= kept',
    variant: 'delegate',
    route: 'scoped',
    token: 'otherScope',
    expect: { ...missingScope(SCOPE), handledBy: 'app' },
  },
  // RFC 9470 step-up: requireAuthentication({ acr }) and ({ maxAge })
  { name: 'step-up: acceptable acr → 200', route: 'step-up-acr', token: 'mfaNow', expect: ok },
  {
    name: 'step-up: another acr → 401 insufficient_user_authentication, acr_values= (§3)',
    route: 'step-up-acr',
    token: 'passwordNow',
    expect: needsMfa,
  },
  {
    name: 'step-up: no acr claim → 401 with acr_values=',
    route: 'step-up-acr',
    token: 'valid',
    expect: needsMfa,
  },
  {
    name: 'step-up: another acr, same token 4× (cache hits) → 401 every time',
    route: 'step-up-acr',
    token: 'passwordNow',
    repeat: 4,
    expect: needsMfa,
  },
  {
    name: 'step-up: auth_time within maxAge → 200',
    route: 'step-up-recent',
    token: 'mfaNow',
    expect: ok,
  },
  {
    name: 'step-up: auth_time older than maxAge → 401, max_age="300" (§3)',
    route: 'step-up-recent',
    token: 'staleAuth',
    expect: needsRecent('auth_time_too_old'),
  },
  {
    name: 'step-up: maxAge set, no auth_time claim → 401 with max_age=',
    route: 'step-up-recent',
    token: 'valid',
    expect: needsRecent('auth_time_missing'),
  },
  {
    name: 'step-up route, no header → 401 from requireAuth, no step-up parameters',
    route: 'step-up-recent',
    header: null,
    expect: noCredentials,
  },
  {
    name: 'delegate: step-up refused → app handler, challenge kept',
    variant: 'delegate',
    route: 'step-up-acr',
    token: 'passwordNow',
    expect: { ...needsMfa, handledBy: 'app' },
  },
  // RFC 9728 §5.1: resourceMetadata from createResourceMetadata → on every challenge
  {
    name: 'resource metadata: no header → 401 with resource_metadata=',
    variant: 'metadata',
    header: null,
    expect: {
      ...noCredentials,
      challenge: `Bearer realm="${REALM}", resource_metadata="${METADATA_URL}"`,
    },
  },
  {
    name: 'resource metadata: expired → 401 invalid_token with resource_metadata=',
    variant: 'metadata',
    token: 'expired',
    expect: {
      ...invalidToken('expired'),
      challenge: { error: 'invalid_token', resource_metadata: METADATA_URL },
    },
  },
  {
    name: 'resource metadata: scope missing → 403 with scope= and resource_metadata=',
    variant: 'metadata',
    route: 'scoped',
    token: 'otherScope',
    expect: {
      ...missingScope(SCOPE),
      challenge: { error: 'insufficient_scope', scope: SCOPE, resource_metadata: METADATA_URL },
    },
  },
  {
    name: 'resource metadata: step-up refused → 401 with max_age= and resource_metadata=',
    variant: 'metadata',
    route: 'step-up-recent',
    token: 'staleAuth',
    expect: {
      ...needsRecent('auth_time_too_old'),
      challenge: {
        error: 'insufficient_user_authentication',
        max_age: String(STEP_UP_MAX_AGE),
        resource_metadata: METADATA_URL,
      },
    },
  },
  // RFC 7662: opaque tokens through the introspection endpoint of the issuer entry (`introspection`)
  {
    name: 'opaque: active, for this API → 200 with sub',
    variant: 'opaque',
    token: 'opaqueActive',
    repeat: 3,
    expect: ok,
  },
  {
    name: 'opaque: active with the scope → requireScopes 200',
    variant: 'opaque',
    route: 'scoped',
    token: 'opaqueActive',
    expect: ok,
  },
  {
    name: 'opaque: active without the URL scope → 403 with scope=',
    variant: 'opaque',
    route: 'url-scope',
    token: 'opaqueActive',
    expect: missingScope(URL_SCOPE),
  },
  {
    name: 'opaque: no acr → step-up 401 insufficient_user_authentication',
    variant: 'opaque',
    route: 'step-up-acr',
    token: 'opaqueActive',
    expect: needsMfa,
  },
  {
    name: 'opaque: active: false → 401 invalid_token',
    variant: 'opaque',
    token: 'opaqueRevoked',
    repeat: 2,
    expect: invalidToken('token_inactive'),
  },
  {
    name: 'opaque: active but for another audience → 401 invalid_token',
    variant: 'opaque',
    token: 'opaqueForeign',
    expect: invalidToken('audience_mismatch'),
  },
  {
    name: 'opaque: endpoint answers 500 → 503 with Retry-After, never 200',
    variant: 'opaque',
    token: 'opaqueBroken',
    repeat: 2,
    expect: {
      status: 503,
      challenge: null,
      error: 'temporarily_unavailable',
      reason: 'introspection_unavailable',
    },
  },
  {
    name: 'opaque: a JWT is still verified locally → 200',
    variant: 'opaque',
    token: 'valid',
    expect: ok,
  },
  {
    name: 'opaque: an expired JWT → 401 invalid_token, not sent to the endpoint',
    variant: 'opaque',
    token: 'expired',
    expect: invalidToken('expired'),
  },
  {
    name: 'opaque, match: a token the issuer claims → 200',
    variant: 'opaqueMatched',
    token: 'opaqueActive',
    expect: ok,
  },
  {
    name: 'opaque, match: a token no issuer claims → 401 invalid_token, sent nowhere',
    variant: 'opaqueMatched',
    token: 'garbage',
    expect: invalidToken('unknown_issuer'),
  },
  // `introspection.tokens: 'jwt'`: JWTs verified locally, then checked for revocation
  {
    name: 'revocation: a JWT the issuer says is active → 200',
    variant: 'revocation',
    token: 'valid',
    repeat: 2,
    expect: ok,
  },
  {
    name: 'revocation: a valid JWT the issuer says is revoked → 401 invalid_token',
    variant: 'revocation',
    token: 'revokedJwt',
    repeat: 2,
    expect: invalidToken('token_inactive'),
  },
  {
    name: 'revocation: an expired JWT → 401 expired (refused before the endpoint)',
    variant: 'revocation',
    token: 'expired',
    expect: invalidToken('expired'),
  },
  {
    name: 'revocation: an opaque token is not introspected → 401 invalid_token',
    variant: 'revocation',
    token: 'opaqueActive',
    expect: invalidToken('malformed_token'),
  },
  // Other token locations (issue 16 §4): opt-in with `token`, never two credentials at once
  {
    name: 'token.cookie: token in the named cookie → 200',
    variant: 'locations',
    header: null,
    cookie: 'theme=dark; at={token}',
    token: 'valid',
    expect: ok,
  },
  {
    name: 'token.header: token in X-Access-Token → 200',
    variant: 'locations',
    header: null,
    tokenHeader: '{token}',
    token: 'valid',
    expect: ok,
  },
  {
    name: 'token.query: access_token query parameter (RFC 6750 §2.3) → 200',
    variant: 'locations',
    header: null,
    query: 'access_token={token}',
    token: 'valid',
    expect: ok,
  },
  {
    name: 'token: Authorization and cookie at once → 400 invalid_request (RFC 6750 §2)',
    variant: 'locations',
    cookie: 'at={token}',
    token: 'valid',
    expect: invalidRequest('multiple_credentials'),
  },
  {
    name: 'token: cookie and query at once → 400 invalid_request',
    variant: 'locations',
    header: null,
    cookie: 'at={token}',
    query: 'access_token={token}',
    token: 'valid',
    expect: invalidRequest('multiple_credentials'),
  },
  {
    name: 'token.query: access_token twice → 400 invalid_request',
    variant: 'locations',
    header: null,
    query: 'access_token={token}&access_token={token}',
    token: 'valid',
    expect: invalidRequest('multiple_credentials'),
  },
  {
    name: 'token.query: empty access_token → 400 invalid_request',
    variant: 'locations',
    header: null,
    query: 'access_token=',
    expect: invalidRequest('malformed_header'),
  },
  {
    name: 'token: bad token in the cookie → 401 invalid_token',
    variant: 'locations',
    header: null,
    cookie: 'at={token}',
    token: 'garbage',
    expect: invalidToken('malformed_token'),
  },
  {
    name: 'token: no credentials anywhere → 401 without error code',
    variant: 'locations',
    header: null,
    cookie: 'theme=dark',
    expect: noCredentials,
  },
  {
    name: 'default: cookie, X-Access-Token and query are not read → 401 without error code',
    header: null,
    cookie: 'at={token}',
    tokenHeader: '{token}',
    query: 'access_token={token}',
    token: 'valid',
    expect: noCredentials,
  },
  // key outages
  {
    name: 'JWKS down, no keys ever fetched (cold) → 503 with Retry-After',
    variant: 'cold',
    token: 'cold',
    expect: {
      status: 503,
      challenge: null,
      error: 'temporarily_unavailable',
      reason: 'keys_unavailable',
    },
  },
  {
    name: 'JWKS down and contacted, keys cached but past max-age (stale-if-error) → 200',
    token: 'valid',
    jwksDown: true,
    expect: ok,
  },
  // Never a 500: an unexpected error inside a verifier is an outage (503), not a crash.
  {
    name: 'verifier fails with an unexpected internal error → 503, never 500',
    variant: 'faulty',
    token: 'valid',
    expect: {
      status: 503,
      challenge: null,
      error: 'temporarily_unavailable',
      reason: 'keys_unavailable',
      refusedBy: 'adapter',
    },
  },
  {
    name: 'verifier throws an unexpected internal error synchronously → 503, never 500',
    variant: 'faultySync',
    token: 'valid',
    expect: {
      status: 503,
      challenge: null,
      error: 'temporarily_unavailable',
      reason: 'keys_unavailable',
      refusedBy: 'adapter',
    },
  },
  // DPoP (RFC 9449), `dpop: true`: the DPoP scheme next to Bearer
  {
    name: 'dpop: DPoP token with a valid proof → 200',
    variant: 'dpop',
    header: 'DPoP {token}',
    token: 'dpopClient',
    dpop: 'valid',
    expect: ok,
  },
  {
    name: 'dpop: lower-case "dpop" scheme (RFC 9110 §11.1) → 200',
    variant: 'dpop',
    header: 'dpop {token}',
    token: 'dpopClient',
    dpop: 'valid',
    expect: ok,
  },
  {
    name: 'dpop: same token 3×, a fresh proof each time (token cached, proofs never) → 200',
    variant: 'dpop',
    header: 'DPoP {token}',
    token: 'dpopClient',
    dpop: 'valid',
    repeat: 3,
    expect: ok,
  },
  {
    name: 'dpop: requireScopes with the scope → 200',
    variant: 'dpop',
    route: 'scoped',
    header: 'DPoP {token}',
    token: 'dpopClient',
    dpop: 'valid',
    expect: ok,
  },
  {
    name: 'dpop: requireScopes, scope missing → 403 insufficient_scope on the DPoP challenge',
    variant: 'dpop',
    route: 'scoped',
    header: 'DPoP {token}',
    token: 'dpopClientUnscoped',
    dpop: 'valid',
    expect: {
      status: 403,
      error: 'insufficient_scope',
      dpopChallenge: { offers: 'both', errorOn: 'DPoP' },
      reason: 'insufficient_scope',
      refusedBy: 'guard',
    },
  },
  {
    name: 'dpop: no header → 401 offering Bearer and DPoP algs="…" (§7.1)',
    variant: 'dpop',
    header: null,
    expect: {
      status: 401,
      error: 'unauthorized',
      dpopChallenge: { offers: 'both' },
      reason: 'missing_credentials',
    },
  },
  {
    name: 'dpop: plain Bearer token → 200 (DPoP is allowed, not required)',
    variant: 'dpop',
    token: 'valid',
    expect: ok,
  },
  {
    name: 'dpop: the bound token sent as Bearer → 401 invalid_token on the Bearer challenge',
    variant: 'dpop',
    token: 'dpopClient',
    expect: {
      status: 401,
      error: 'invalid_token',
      dpopChallenge: { offers: 'both', errorOn: 'Bearer' },
      reason: 'sender_constrained',
    },
  },
  {
    name: 'dpop: proof replayed → 401 invalid_dpop_proof (§11.1)',
    variant: 'dpop',
    header: 'DPoP {token}',
    token: 'dpopClient',
    dpop: 'replayed',
    expect: invalidDpopProof('dpop_replayed'),
  },
  {
    name: 'dpop: no DPoP header → 401 invalid_dpop_proof',
    variant: 'dpop',
    header: 'DPoP {token}',
    token: 'dpopClient',
    dpop: 'none',
    expect: invalidDpopProof('dpop_proof_missing'),
  },
  {
    name: 'dpop: two DPoP headers → 400 invalid_request on the DPoP challenge (§4.3)',
    variant: 'dpop',
    header: 'DPoP {token}',
    token: 'dpopClient',
    dpop: 'twoHeaders',
    expect: {
      status: 400,
      error: 'invalid_request',
      dpopChallenge: { offers: 'both', errorOn: 'DPoP' },
      reason: 'multiple_dpop_proofs',
    },
  },
  {
    name: 'dpop: proof for another method (htm) → 401 invalid_dpop_proof',
    variant: 'dpop',
    header: 'DPoP {token}',
    token: 'dpopClient',
    dpop: 'otherMethod',
    expect: invalidDpopProof('dpop_method_mismatch'),
  },
  {
    name: 'dpop: proof for another URL (htu) → 401 invalid_dpop_proof',
    variant: 'dpop',
    header: 'DPoP {token}',
    token: 'dpopClient',
    dpop: 'otherUrl',
    expect: invalidDpopProof('dpop_url_mismatch'),
  },
  {
    name: 'dpop: proof of another key (cnf.jkt) → 401 invalid_token on the DPoP challenge',
    variant: 'dpop',
    header: 'DPoP {token}',
    token: 'dpopClient',
    dpop: 'otherKey',
    expect: {
      status: 401,
      error: 'invalid_token',
      dpopChallenge: { offers: 'both', errorOn: 'DPoP' },
      reason: 'dpop_binding_mismatch',
    },
  },
  {
    name: 'dpop: unbound token with a proof → 401 invalid_token on the DPoP challenge',
    variant: 'dpop',
    header: 'DPoP {token}',
    token: 'valid',
    dpop: 'valid',
    expect: {
      status: 401,
      error: 'invalid_token',
      dpopChallenge: { offers: 'both', errorOn: 'DPoP' },
      reason: 'dpop_unbound_token',
    },
  },
  // `dpop: { required: true }`
  {
    name: 'dpop required: DPoP token with a valid proof → 200',
    variant: 'dpopRequired',
    header: 'DPoP {token}',
    token: 'dpopClient',
    dpop: 'valid',
    expect: ok,
  },
  {
    name: 'dpop required: plain Bearer token → 401 with the DPoP challenge alone',
    variant: 'dpopRequired',
    token: 'valid',
    expect: {
      status: 401,
      error: 'unauthorized',
      dpopChallenge: { offers: 'dpop' },
      reason: 'missing_credentials',
    },
  },
  // `dpop: { nonce }` (§9)
  {
    name: 'dpop nonce: proof without a nonce → 401 use_dpop_nonce with DPoP-Nonce',
    variant: 'dpopNonce',
    header: 'DPoP {token}',
    token: 'dpopClient',
    dpop: 'valid',
    expect: {
      status: 401,
      error: 'use_dpop_nonce',
      dpopChallenge: { offers: 'both', errorOn: 'DPoP' },
      dpopNonce: true,
      reason: 'dpop_nonce_required',
    },
  },
  {
    name: 'dpop nonce: proof with the server nonce → 200',
    variant: 'dpopNonce',
    header: 'DPoP {token}',
    token: 'dpopClient',
    dpop: 'withNonce',
    expect: ok,
  },
];
