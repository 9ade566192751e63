/**
 * What a provider preset is (`Preset`: a provider's documented token shape) and the claim
 * helpers the presets share. One file per provider family beside it; the registry is
 * `provider-presets.ts`.
 */

/** The identity providers `createProviderIssuer` imitates. */
export type Provider =
  | 'auth0'
  | 'okta'
  | 'entra-v1'
  | 'entra-v2'
  | 'keycloak'
  | 'cognito'
  | 'google'
  | 'firebase';

/** What a provider-shaped token grants; each preset puts it where its provider does. */
export interface ProviderGrant {
  /** Scopes (`scope` string, `scp` string or array, `permissions` array, by provider). */
  scopes?: string[];
  /** Roles or groups (`roles`, `realm_access.roles`, `cognito:groups`, `groups`, …). */
  roles?: string[];
  /** Entra ID: the tenant (default: the preset's first tenant). Refused by the others. */
  tenant?: string;
  /** A machine-to-machine token (client credentials), where the provider shapes it apart. */
  app?: boolean;
  /** Claims added last, over the preset's; a claim given as `undefined` is removed. */
  claims?: Record<string, unknown>;
}

/** What a preset's claim builder knows. */
export interface PresetContext {
  /** Issuer identifier of the token (for Entra: of its tenant). */
  issuer: string;
  origin: string;
  audience: string;
  clientId: string;
  tenant: string | undefined;
  grant: ProviderGrant;
}

/** One provider's documented token shape. */
export interface Preset {
  /** Public pages the shape follows. */
  docs: readonly string[];
  path: string;
  trailingSlash?: boolean;
  jwksPath: string;
  /** What the API configures as `audience` (for Cognito: the app client id in `client_id`). */
  audience: string;
  /** The client application the tokens are issued to. */
  clientId: string;
  /** Entra ID: tenants the preset mints for, the first is the default. */
  tenants?: readonly string[];
  /** Header `typ`; `null`: none. */
  typ: string | null;
  /** Entra v1: `x5t` equal to `kid`. */
  x5t?: boolean;
  /** Claims of an access token as the provider issues one to this API. */
  claims(ctx: PresetContext): Record<string, unknown>;
  /** The classic wrong token, and what it is. */
  mistake: {
    description: string;
    claims?(ctx: PresetContext): Record<string, unknown>;
    header?: Record<string, unknown>;
  };
}

/** The values, or none. */
export const list = (values: string[] | undefined) => values ?? [];
/** Space-separated, empty parts left out (a `scope` string). */
export const joined = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ');
/** `{ [name]: values }` when there are values, else nothing. */
export const ifAny = (name: string, values: string[] | undefined) =>
  values?.length ? { [name]: values } : {};
/** Removes the test issuer's defaults a provider does not emit. */
export const NO_DEFAULTS = { client_id: undefined, jti: undefined, sub: undefined };

// Read per call so fake timers apply, as in mint.ts.
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
