import type { CryptoKey, JWK } from 'jose';

/** JWS algorithms the test issuer can sign with (RFC 7518 §3.1, RFC 8037 §3.1). */
export type Alg =
  | 'RS256'
  | 'RS384'
  | 'RS512'
  | 'PS256'
  | 'PS384'
  | 'PS512'
  | 'ES256'
  | 'ES384'
  | 'ES512'
  | 'EdDSA';

/** Which well-known metadata documents the issuer serves; the others answer 404. */
export type DiscoveryMode = 'oidc' | 'oauth' | 'both' | 'none';

/** A confidential client accepted by the token endpoint (RFC 6749 §2.3.1). */
export interface TestClient {
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes the client may request. Absent: any scope is granted. */
  scope?: string;
  /** Audience of its tokens when the request names no `resource`/`audience`. Default: the issuer's. */
  audience?: string;
}

/** Options of {@link createTestIssuer}. Every field is optional. */
export interface TestIssuerOptions {
  /**
   * Issuer path, e.g. `'/a/consumer/api/v0/oidc'`. Default `''` (the origin is the issuer).
   * A `{tenantid}` segment makes one server answer for every tenant, as Entra ID does
   * (`'/{tenantid}/v2.0'`): each tenant has its own issuer, discovery and JWKS URL, and `mint`
   * needs `options.tenant`.
   */
  path?: string;
  /** The issuer identifier ends with `/` (as Auth0's and Entra ID v1's do). Default false. */
  trailingSlash?: boolean;
  /**
   * Where the JWKS is served, from the origin (e.g. Auth0's `'/.well-known/jwks.json'`); may
   * hold `{tenantid}` when `path` does. Default `<path>/jwks`.
   */
  jwksPath?: string;
  /** One signing key per entry, the first is the default signer. Default `['RS256']`. */
  algorithms?: Alg[];
  /** Default `aud` of minted access tokens. Default `'https://api.example.test'`. */
  audience?: string;
  /** Which well-known documents are served. Default `'both'`. */
  discovery?: DiscoveryMode;
  /** Clients of the token endpoint. Default one client `test-client` / `test-secret`, any scope. */
  clients?: TestClient[];
  /** Lifetime of minted access and ID tokens, seconds. Default 600. */
  accessTokenTtl?: number;
  /** `Cache-Control: max-age` of the JWKS response, seconds. Default 600. */
  jwksMaxAge?: number;
}

/** One signing key of the issuer. `publicJwk` is what the JWKS publishes. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: Alg;
  readonly privateKey: CryptoKey;
  /** Public JWK with `kid`, `alg` and `use: 'sig'`. */
  readonly publicJwk: JWK;
}

/** Options of `mint`, `mintIdToken`. */
export interface MintOptions {
  /** Sign with a key of this algorithm (the newest such key). Throws when the issuer has none. */
  alg?: Alg;
  /** Sign with this key. Throws when unknown. The header `kid` can still be overridden by `header`. */
  kid?: string;
  /** `exp` = now + this many seconds. Default: the issuer's `accessTokenTtl`. */
  expiresIn?: number;
  /** Adds `nbf` = now + this many seconds. */
  notBefore?: number;
  /** The tenant of a multi-tenant issuer (`path` with `{tenantid}`): required there, refused elsewhere. */
  tenant?: string;
  /** `typ` header. Default `'at+jwt'` (access tokens) or `'JWT'` (ID tokens); `null` omits it. */
  typ?: string | null;
  /** Extra or overriding protected header parameters (applied last). */
  header?: Record<string, unknown>;
}

/** Options of `mintIdToken`. */
export interface IdTokenOptions extends MintOptions {
  /** The relying party: `aud` and `azp`. Default `'test-client'`. */
  clientId?: string;
  /** Adds a `nonce` claim. */
  nonce?: string;
}

/** Options of `sign`. */
export interface SignOptions {
  /** Sign with this key rather than the one the header's `kid` or `alg` selects. */
  kid?: string;
  /** HMAC secret; required when the header's `alg` is HS256/384/512. */
  secret?: string | Uint8Array;
}

/** Options of `rotateKeys`. */
export interface RotateKeysOptions {
  /** Algorithm of the new key. Default: that of the current default key (else RS256). */
  alg?: Alg;
  /** Keep publishing (and allow signing with) the previous keys. Default true. */
  keepOld?: boolean;
}

/** A kind of outage the issuer can simulate. */
export type FaultType = 'down' | 'slow' | 'status' | 'garbage' | 'huge';

/** Which routes a fault affects. */
export type FaultTarget = 'jwks' | 'discovery' | 'token' | 'all';

/**
 * A simulated outage, see `setFault`.
 * - `down`: the connection is reset as soon as the request arrives.
 * - `slow`: the answer is delayed by `ms` (default 1000), then normal.
 * - `status`: answers `status` (default 500) with a JSON error body.
 * - `garbage`: answers 200 with a body that is not JSON.
 * - `huge`: answers 200 with a valid JSON body of `bytes` (default 2 MiB), streamed without length.
 */
export interface Fault {
  type: FaultType;
  ms?: number;
  status?: number;
  bytes?: number;
  /** Default `'all'`. */
  target?: FaultTarget;
}

/** Requests received per route, live. `discovery` counts both well-known documents. */
export interface RequestCounters {
  discovery: number;
  jwks: number;
  token: number;
  /** Every request, including unknown routes. */
  total: number;
}

/**
 * A running in-process authorization server on `http://127.0.0.1:<port><path>`, made by
 * `createTestIssuer`. Serves discovery (OIDC Discovery §4, RFC 8414 §3), a JWKS (RFC 7517 §5)
 * and a client-credentials token endpoint (RFC 6749 §4.4); mints RFC 9068 access tokens.
 *
 * Does not: implement the authorization code flow, refresh tokens, introspection or revocation.
 */
export interface TestIssuer extends AsyncDisposable {
  /**
   * The issuer identifier: `http://127.0.0.1:PORT` + path, with a trailing slash only when
   * `trailingSlash` is set. Holds `{tenantid}` for a multi-tenant issuer (see `issuerFor`).
   */
  readonly url: string;
  /** `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** The issuer identifier of one tenant (`url` with `{tenantid}` replaced); throws on a bad id. */
  issuerFor(tenant: string): string;
  /** `<url>/jwks`. */
  readonly jwksUri: string;
  /** `<url>/token`. */
  readonly tokenEndpoint: string;
  /** Default audience of minted access tokens. */
  readonly audience: string;
  /** URLs of the OIDC (`<url>/.well-known/openid-configuration`) and RFC 8414 documents. */
  readonly wellKnown: { readonly oidc: string; readonly oauth: string };
  /** The metadata document both well-known URLs serve (a fresh copy). */
  readonly metadata: Record<string, unknown>;
  /** Requests received per route, live (the same object updates). */
  readonly requests: Readonly<RequestCounters>;
  /** Sets every counter of `requests` to 0. */
  resetCounters(): void;
  /** Current signing keys, the default signer (newest from `rotateKeys`) first. */
  readonly keys: readonly SigningKey[];
  /** Clients accepted by the token endpoint. */
  readonly clients: readonly TestClient[];
  /** The active fault, or null. */
  readonly fault: Fault | null;
  /**
   * Mints an RFC 9068 access token. Defaults: iss=url, sub='user-123', aud=audience,
   * client_id='test-client', iat=now (`Date.now()`), exp=iat+accessTokenTtl, jti=random,
   * header typ 'at+jwt', alg/kid of the default key. A claim given as `undefined` is removed.
   */
  mint(claims?: Record<string, unknown>, options?: MintOptions): Promise<string>;
  /** Mints an OIDC ID token: aud=azp=clientId ('test-client'), auth_time, nonce, typ 'JWT'. */
  mintIdToken(claims?: Record<string, unknown>, options?: IdTokenOptions): Promise<string>;
  /**
   * Signs EXACTLY `header` and `payload` (objects are JSON-serialised as given) for hostile
   * tokens: `alg: 'none'` yields an empty signature, HS* uses `options.secret`, anything else the
   * key chosen by `options.kid`, else the header's `kid`, else its `alg`, else the default key.
   */
  sign(
    header: Record<string, unknown>,
    payload: Record<string, unknown> | string | Uint8Array,
    options?: SignOptions,
  ): Promise<string>;
  /** Adds a new default key; with `keepOld: false` the previous keys are unpublished. */
  rotateKeys(options?: RotateKeysOptions): Promise<SigningKey>;
  /** Publishes one more key of `alg`, last: the default signer does not change. */
  addKey(alg: Alg): Promise<SigningKey>;
  /** Unpublishes a key; returns whether it existed. */
  removeKey(kid: string): boolean;
  /** Simulates an outage until `setFault(null)`. Throws on an unknown type or target. */
  setFault(fault: Fault | null): void;
  /** Stops the server, cutting in-flight and keep-alive connections. Idempotent. */
  close(): Promise<void>;
}
