import { createPublicKey } from 'node:crypto';
import {
  type AuthContext,
  createResourceMetadata,
  type ErrorReason,
  type GatehouseEvent,
  type IntrospectionOptions,
} from '@gatehouse/core';
import {
  createDpopKey,
  createTestIssuer,
  type DpopKey,
  PROVIDERS,
  type Provider,
  type ProviderIssuer,
  type TestIssuer,
} from '@gatehouse/testing';
import {
  type IntrospectionServer,
  startIntrospectionServer,
} from '../../packages/core/test/support/introspection-endpoint.js';
import { createProviderIssuers, PROVIDER_CASES, providerTokens } from './providers.js';

/** The adapter configurations a row can run against; each is mounted under `/<variant>`. */
export type Variant =
  | 'default'
  | 'strict'
  | 'optional'
  | 'users'
  | 'usersContinue'
  | 'delegate'
  | 'metadata'
  | 'opaque'
  | 'opaqueMatched'
  | 'revocation'
  | 'locations'
  | 'cold'
  | 'faulty'
  | 'faultySync'
  | Provider
  | 'dpop'
  | 'dpopRequired'
  | 'dpopNonce';

/** What every test server mounts: the same routes, in every framework. */
export const SCOPE = 'read:things';
export const URL_SCOPE = 'https://api.banno.com/consumer/auth/offline_access';
export const REALM = 'api';
/** RFC 9470 step-up: the `acr` the `step-up-acr` route accepts; `step-up-recent` wants 5 min. */
export const ACR_MFA = 'urn:gatehouse:mfa';
export const STEP_UP_MAX_AGE = 300;
export const ROUTES = [
  'protected',
  'scoped',
  'any-scope',
  'url-scope',
  'claims',
  'step-up-acr',
  'step-up-recent',
  'role',
  'any-role',
  'caller',
] as const;
export type Route = (typeof ROUTES)[number];

/** The application user `resolveUser` maps `sub` to. */
export interface AppUser {
  id: number;
  name: string;
}
export class ResolverFailure extends Error {
  override readonly name = 'ResolverFailure';
}

const USERS: Record<string, AppUser> = { 'user-123': { id: 1, name: 'Ada' } };

const resolveUser = async (auth: AuthContext): Promise<AppUser | null> => {
  if (auth.subject === 'boom') throw new ResolverFailure('the user store is down');
  // A resolver bug: next(null) in Express, done(null) in Fastify would mean "go on".
  if (auth.subject === 'throws-null') throw null;
  return USERS[auth.subject ?? ''] ?? null;
};

/** Issuers plus the adapter options of every variant. */
export interface Fixture {
  issuer: TestIssuer;
  /** An issuer whose JWKS has been down since it started: nobody ever had its keys. */
  coldIssuer: TestIssuer;
  /** The test issuer's introspection endpoint (RFC 7662) for the `opaque` variant. */
  introspection: IntrospectionServer;
  /** One preset per identity provider, each served with its guide's options. */
  providers: Record<Provider, ProviderIssuer>;
  /** The DPoP key of the client whose bound tokens (`dpopClient`) the DPoP rows present. */
  dpopKey: DpopKey;
  /** Another client's DPoP key: its proofs do not match those tokens. */
  otherDpopKey: DpopKey;
  options: Record<Variant, Record<string, unknown>>;
  /** `reason` of every `token_rejected` event the verifiers emitted, oldest first. */
  rejections: ErrorReason[];
  close(): Promise<void>;
}

/** An internal fault: what a bug deep inside a verifier would throw (not a `GatehouseError`). */
class InternalFault extends TypeError {
  override readonly name = 'InternalFault';
}

export async function createFixture(): Promise<Fixture> {
  const issuer = await createTestIssuer();
  const coldIssuer = await createTestIssuer();
  const providers = await createProviderIssuers();
  const cases = PROVIDER_CASES(SCOPE);
  coldIssuer.setFault({ type: 'down' });
  const rejections: ErrorReason[] = [];
  const onEvent = (event: GatehouseEvent) => {
    if (event.type === 'token_rejected') rejections.push(event.reason);
  };
  const providerOptions = Object.fromEntries(
    PROVIDERS.map((p) => [p, { ...cases[p].options(providers[p]), realm: REALM, onEvent }]),
  ) as unknown as Record<Provider, Record<string, unknown>>;
  const introspection = await startIntrospectionServer();
  introspection.answer = (form) => introspectionAnswer(form.get('token') ?? '', issuer);
  const base = { issuer: issuer.url, audience: issuer.audience, realm: REALM, onEvent };
  const introspect = (extra: Partial<IntrospectionOptions> = {}): IntrospectionOptions => ({
    endpoint: introspection.endpoint,
    clientId: 'behaviour-table',
    clientSecret: 'rs-secret',
    ...extra,
  });
  return {
    issuer,
    coldIssuer,
    rejections,
    introspection,
    providers,
    dpopKey: await createDpopKey(),
    otherDpopKey: await createDpopKey(),
    options: {
      ...providerOptions,
      default: base,
      strict: { ...base, typ: 'strict' },
      optional: { ...base, optional: true },
      users: { ...base, resolveUser },
      usersContinue: { ...base, resolveUser, unknownUser: 'continue' },
      delegate: { ...base, errors: 'delegate' },
      metadata: {
        ...base,
        resourceMetadata: createResourceMetadata({
          resource: issuer.audience,
          authorizationServers: [issuer.url],
        }),
      },
      opaque: { ...base, issuer: { issuer: issuer.url, introspection: introspect() } },
      opaqueMatched: {
        ...base,
        issuer: {
          issuer: issuer.url,
          introspection: introspect({ match: (token) => token.startsWith('opaque-') }),
        },
      },
      revocation: {
        ...base,
        issuer: { issuer: issuer.url, introspection: introspect({ tokens: 'jwt' }) },
      },
      locations: { ...base, token: { cookie: 'at', header: 'x-access-token', query: true } },
      cold: {
        issuer: coldIssuer.url,
        audience: coldIssuer.audience,
        realm: REALM,
        keyFetch: { timeout: 2 },
        onEvent,
      },
      // A verifier that fails with an unexpected internal error, asynchronously and synchronously.
      faulty: {
        verifier: {
          challenge: { realm: REALM },
          authenticate: () => Promise.reject(new InternalFault('x is undefined')),
        },
      },
      faultySync: {
        verifier: {
          challenge: { realm: REALM },
          authenticate: () => {
            throw new InternalFault('x is undefined');
          },
        },
      },
      dpop: { ...base, dpop: true },
      dpopRequired: { ...base, dpop: { required: true } },
      dpopNonce: { ...base, dpop: { nonce: { secret: 'behaviour-table-nonce-secret-32-bytes!' } } },
    },
    async close() {
      await Promise.all([
        issuer.close(),
        coldIssuer.close(),
        introspection.close(),
        ...Object.values(providers).map((p) => p.close()),
      ]);
    },
  };
}

/** How a row's token is made; hostile ones are signed exactly as an attacker would. */
export const TOKENS = {
  valid: (f: Fixture) => f.issuer.mint(),
  scoped: (f: Fixture) => f.issuer.mint({ scope: `${SCOPE} other` }),
  scpArray: (f: Fixture) => f.issuer.mint({ scp: ['other', SCOPE] }),
  urlScope: (f: Fixture) => f.issuer.mint({ scope: URL_SCOPE }),
  admin: (f: Fixture) => f.issuer.mint({ scope: 'admin' }),
  otherScope: (f: Fixture) => f.issuer.mint({ scope: 'other' }),
  tenantAcme: (f: Fixture) => f.issuer.mint({ tenant: 'acme' }),
  tenantOther: (f: Fixture) => f.issuer.mint({ tenant: 'globex' }),
  noSub: (f: Fixture) => f.issuer.mint({ sub: undefined, scope: SCOPE }),
  ghost: (f: Fixture) => f.issuer.mint({ sub: 'ghost' }),
  boom: (f: Fixture) => f.issuer.mint({ sub: 'boom' }),
  throwsNull: (f: Fixture) => f.issuer.mint({ sub: 'throws-null' }),
  expired: (f: Fixture) => f.issuer.mint({}, { expiresIn: -120 }),
  notYetValid: (f: Fixture) => f.issuer.mint({}, { notBefore: 600 }),
  wrongIssuer: (f: Fixture) => f.issuer.mint({ iss: 'https://evil.example.test' }),
  wrongAudience: (f: Fixture) => f.issuer.mint({ aud: 'https://other-api.example.test' }),
  audienceArray: (f: Fixture) =>
    f.issuer.mint({ aud: ['https://other-api.example.test', f.issuer.audience] }),
  /** `alg: none` with a non-empty signature, so the algorithm check is what refuses it. */
  algNone: async (f: Fixture) =>
    `${(await f.issuer.sign({ alg: 'none', typ: 'at+jwt' }, await claimsOf(f))).slice(0, -1)}.c2ln`,
  hs256PublicKey: async (f: Fixture) => {
    const key = f.issuer.keys[0]!;
    const pem = createPublicKey({ key: key.publicJwk as never, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    return f.issuer.sign({ alg: 'HS256', typ: 'at+jwt', kid: key.kid }, await claimsOf(f), {
      secret: String(pem),
    });
  },
  unknownKid: async (f: Fixture) =>
    f.issuer.sign({ alg: 'RS256', typ: 'at+jwt', kid: 'no-such-key' }, await claimsOf(f), {
      kid: f.issuer.keys[0]!.kid,
    }),
  tampered: async (f: Fixture) => {
    const [header, , signature] = (await f.issuer.mint()).split('.');
    const payload = Buffer.from(JSON.stringify({ ...(await claimsOf(f)), sub: 'admin' })).toString(
      'base64url',
    );
    return `${header}.${payload}.${signature}`;
  },
  idToken: (f: Fixture) => f.issuer.mintIdToken(),
  idTokenForUs: (f: Fixture) => f.issuer.mintIdToken({}, { clientId: f.issuer.audience }),
  idTokenWithNonceForUs: (f: Fixture) =>
    f.issuer.mintIdToken({}, { clientId: f.issuer.audience, nonce: 'n-0S6_WzA2Mj' }),
  dpopBound: (f: Fixture) =>
    f.issuer.mint({ cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } }),
  /** Bound to `dpopKey`, with the scope of the `scoped` route. */
  dpopClient: (f: Fixture) => f.issuer.mint({ cnf: { jkt: f.dpopKey.jkt }, scope: SCOPE }),
  dpopClientUnscoped: (f: Fixture) => f.issuer.mint({ cnf: { jkt: f.dpopKey.jkt } }),
  garbage: async () => 'not-a-jwt',
  /** A real signed token above `maxTokenLength` (8192) but below Node's 16 KiB header limit. */
  overLength: (f: Fixture) => f.issuer.mint({ pad: 'x'.repeat(10_000) }),
  /**
   * Twice Node's 16 KiB header limit: the HTTP server refuses it before any app code. Not much
   * more: from Node 24 the server resets a connection it answered 431 while the client is still
   * sending (measured at 100 KB: the 431, then ECONNRESET on every request).
   */
  huge: async () => 'a'.repeat(32 * 1024),
  cold: (f: Fixture) => f.coldIssuer.mint(),
  opaqueActive: async () => 'opaque-active',
  opaqueRevoked: async () => 'opaque-revoked',
  opaqueForeign: async () => 'opaque-foreign',
  opaqueBroken: async () => 'opaque-broken',
  /** A valid JWT its issuer's introspection endpoint says is no longer active (revoked). */
  revokedJwt: (f: Fixture) => f.issuer.mint({ jti: REVOKED_JTI }),
  mfaNow: (f: Fixture) => f.issuer.mint({ acr: ACR_MFA, auth_time: nowSeconds() - 5 }),
  passwordNow: (f: Fixture) =>
    f.issuer.mint({ acr: 'urn:gatehouse:pwd', auth_time: nowSeconds() - 5 }),
  staleAuth: (f: Fixture) => f.issuer.mint({ acr: ACR_MFA, auth_time: nowSeconds() - 3600 }),
  ...fromProviders(providerTokens(SCOPE)),
} satisfies Record<string, (f: Fixture) => Promise<string>>;

function fromProviders<K extends string>(
  minters: Record<K, (providers: Fixture['providers']) => Promise<string>>,
): Record<K, (f: Fixture) => Promise<string>> {
  const entries = Object.entries(minters) as [K, (p: Fixture['providers']) => Promise<string>][];
  return Object.fromEntries(
    entries.map(([k, mint]) => [k, (f: Fixture) => mint(f.providers)]),
  ) as Record<K, (f: Fixture) => Promise<string>>;
}

export type TokenKind = keyof typeof TOKENS;

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** What the introspection endpoint answers for each opaque token of the `opaque` variant. */
const OPAQUE_ANSWERS: Record<string, (issuer: TestIssuer) => IntrospectionAnswer> = {
  'opaque-active': (issuer) => ({ body: introspected(issuer, issuer.audience) }),
  'opaque-foreign': (issuer) => ({ body: introspected(issuer, 'https://other-api.example.test') }),
  'opaque-broken': () => ({ status: 500, body: { error: 'server_error' } }),
};
type IntrospectionAnswer = ReturnType<IntrospectionServer['answer']>;
const REVOKED_JTI = 'revoked-by-the-issuer';

/** Opaque tokens by name; a JWT (the `revocation` variant) is active unless its `jti` is revoked. */
function introspectionAnswer(token: string, issuer: TestIssuer): IntrospectionAnswer {
  const opaque = OPAQUE_ANSWERS[token];
  if (opaque !== undefined) return opaque(issuer);
  const payload = token.split('.')[1];
  if (token.split('.').length !== 3 || payload === undefined) return { body: { active: false } };
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  return { body: { active: claims.jti !== REVOKED_JTI } };
}

const introspected = (issuer: TestIssuer, aud: string) => ({
  active: true,
  iss: issuer.url,
  aud,
  sub: 'user-123',
  client_id: 'table-client',
  scope: `${SCOPE} other`,
  token_type: 'Bearer',
  exp: nowSeconds() + 600,
});

async function claimsOf(f: Fixture): Promise<Record<string, unknown>> {
  const token = await f.issuer.mint();
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}
