import { randomBytes } from 'node:crypto';
import { createTestIssuer } from './issuer.js';
import type { Preset, PresetContext, Provider, ProviderGrant } from './presets/preset.js';
import { PRESETS } from './provider-presets.js';
import type { MintOptions, TestIssuer } from './types.js';

/** Every provider {@link createProviderIssuer} imitates. */
export const PROVIDERS: readonly Provider[] = Object.freeze(Object.keys(PRESETS) as Provider[]);

/** Options of {@link createProviderIssuer}. */
export interface ProviderIssuerOptions {
  /** Lifetime of minted tokens, seconds. Default 3600 (what most of these providers issue). */
  accessTokenTtl?: number;
}

/**
 * A real test issuer (discovery + JWKS on 127.0.0.1) that mints tokens shaped as one identity
 * provider documents them. Made by {@link createProviderIssuer}.
 */
export interface ProviderIssuer extends AsyncDisposable {
  readonly provider: Provider;
  /** The public documentation pages the token shape follows. */
  readonly docs: readonly string[];
  /** The underlying issuer: keys, faults, counters, `sign` for hostile tokens. */
  readonly issuer: TestIssuer;
  /**
   * The issuer identifier in the provider's form, e.g. with Auth0's trailing slash or Keycloak's
   * `/realms/<realm>`. Entra ID: holds `{tenantid}` (see `issuerFor`, `tenants`).
   */
  readonly url: string;
  /** `http://127.0.0.1:PORT`: stands for the provider's host (or Entra's authority). */
  readonly origin: string;
  /** The value the API configures as `audience` (Cognito: the app client id, in `client_id`). */
  readonly audience: string;
  /** The client application tokens are issued to. */
  readonly clientId: string;
  /** Entra ID: the tenants tokens can be minted for, the first is the default; else empty. */
  readonly tenants: readonly string[];
  /** The issuer identifier of one Entra ID tenant. Throws for the other providers. */
  issuerFor(tenant: string): string;
  /** An access token as the provider issues it to this API, granting `grant`. */
  mint(grant?: ProviderGrant, options?: MintOptions): Promise<string>;
  /** What {@link ProviderIssuer.mintMistake} mints. */
  readonly mistake: string;
  /**
   * The provider's classic wrong token (another API's token, an ID token, an opaque token, …),
   * signed by this issuer where the provider signs it: an API must answer it 401.
   */
  mintMistake(): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts a test issuer shaped as `provider` documents its own: issuer form (trailing slash,
 * path, tenant), JWKS path, header (`typ`, `kid`, `x5t`), audience form, where scopes and roles
 * go, client claims (`azp`, `appid`, `cid`, `client_id`), `tid`, `ver`, `token_use`, `gty`.
 * Every preset cites the pages it follows (`docs`). RS256 keys, as these providers sign with;
 * Cognito signs ID tokens with a second key, as Cognito does.
 *
 * Does not: contact the provider; reproduce claims the provider marks opaque or optional beyond
 * a representative value; serve the provider's other endpoints (authorize, userinfo, logout).
 */
export async function createProviderIssuer(
  provider: Provider,
  options: ProviderIssuerOptions = {},
): Promise<ProviderIssuer> {
  const preset: Preset | undefined = Object.hasOwn(PRESETS, provider)
    ? PRESETS[provider]
    : undefined;
  if (preset === undefined) {
    throw new TypeError(
      `@gatehouse/testing: unknown provider ${JSON.stringify(provider)}; use one of ${Object.keys(PRESETS).join(', ')}`,
    );
  }
  const issuer = await createTestIssuer({
    path: preset.path,
    trailingSlash: preset.trailingSlash ?? false,
    jwksPath: preset.jwksPath,
    audience: preset.audience,
    algorithms: provider === 'cognito' ? ['RS256', 'RS256'] : ['RS256'],
    accessTokenTtl: options.accessTokenTtl ?? 3600,
  });
  const tenants = preset.tenants ?? [];

  function context(grant: ProviderGrant): PresetContext {
    if (grant.tenant !== undefined && tenants.length === 0) {
      throw new TypeError(`@gatehouse/testing: ${provider} tokens have no tenant`);
    }
    const tenant = tenants.length === 0 ? undefined : (grant.tenant ?? tenants[0]);
    return {
      issuer: tenant === undefined ? issuer.url : issuer.issuerFor(tenant),
      origin: issuer.origin,
      audience: preset!.audience,
      clientId: preset!.clientId,
      tenant,
      grant,
    };
  }

  function mintOptions(ctx: PresetContext, options: MintOptions, kid: string): MintOptions {
    const header = preset!.x5t ? { x5t: kid, ...options.header } : options.header;
    return {
      typ: preset!.typ,
      kid,
      ...options,
      ...(header === undefined ? {} : { header }),
      ...(ctx.tenant === undefined ? {} : { tenant: ctx.tenant }),
    };
  }

  return {
    provider,
    docs: preset.docs,
    issuer,
    url: issuer.url,
    origin: issuer.origin,
    audience: preset.audience,
    clientId: preset.clientId,
    tenants,
    issuerFor: (tenant) => issuer.issuerFor(tenant),
    mistake: preset.mistake.description,
    async mint(grant = {}, options = {}) {
      const ctx = context(grant);
      const kid = options.kid ?? issuer.keys[0]!.kid;
      const claims = { ...preset.claims(ctx), ...grant.claims };
      return issuer.mint(claims, mintOptions(ctx, options, kid));
    },
    async mintMistake() {
      if (preset.mistake.claims === undefined) {
        // An opaque token: random bytes in the provider's own prefix, as Google's are.
        return `ya29.${randomBytes(96).toString('base64url')}`;
      }
      const ctx = context({});
      // Cognito signs ID tokens with a key of their own.
      const kid = issuer.keys[provider === 'cognito' ? 1 : 0]!.kid;
      const claims = { ...preset.claims(ctx), ...preset.mistake.claims(ctx) };
      const header = preset.mistake.header;
      return issuer.mint(claims, mintOptions(ctx, header ? { header } : {}, kid));
    },
    close: () => issuer.close(),
    [Symbol.asyncDispose]: () => issuer.close(),
  };
}
