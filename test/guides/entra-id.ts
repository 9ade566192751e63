import type { VerifierOptions } from '@gatehouse/core';

export interface EntraSettings {
  /** 'https://login.microsoftonline.com' (or a national cloud's authority). */
  authority: string;
  /** The tenants allowed to call the API (directory ids, GUIDs). */
  tenants: string[];
  /** The API app's Application (client) ID: the `aud` of v2.0 tokens. */
  clientId: string;
}

/** Single- or multi-tenant API whose manifest sets `accessTokenAcceptedVersion: 2`. */
export const entraV2Options = ({
  authority,
  tenants,
  clientId,
}: EntraSettings): VerifierOptions => ({
  issuer: {
    template: `${authority}/{tenantid}/v2.0`,
    tenants, // or (tenantId) => boolean, e.g. a lookup in your customer table
    // Default: the token's `tid` must equal the tenant in its `iss` (Microsoft's rule).
  },
  audience: clientId,
  roles: 'roles', // app roles, and the application permissions of app-only tokens
});

export interface EntraV1Settings extends EntraSettings {
  /** 'https://sts.windows.net': the host of v1.0 issuers. */
  stsAuthority: string;
  /** The Application ID URI the client asked for, e.g. 'api://<client id>'. */
  applicationIdUri: string;
}

/** An API still receiving v1.0 tokens (`accessTokenAcceptedVersion` null or 1). */
export const entraV1Options = (settings: EntraV1Settings): VerifierOptions => ({
  issuer: {
    template: `${settings.stsAuthority}/{tenantid}/`,
    tenants: settings.tenants,
    // v1.0 metadata lives on the login host, not on sts.windows.net:
    jwksUri: `${settings.authority}/{tenantid}/discovery/keys`,
  },
  audience: [settings.applicationIdUri, settings.clientId],
  roles: 'roles',
});
