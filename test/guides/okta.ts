import type { VerifierOptions } from '@gatehouse/core';

export interface OktaSettings {
  /** A custom authorization server: 'https://YOUR_ORG.okta.com/oauth2/default' (no slash). */
  issuer: string;
  /** Its Audience (Security › API › Authorization Servers), 'api://default' by default. */
  audience: string;
}

export const oktaOptions = ({ issuer, audience }: OktaSettings): VerifierOptions => ({
  issuer,
  audience,
  // `scp` (an array) is read as scopes. Groups arrive only with a "groups" claim added to
  // the authorization server (a Groups filter), which this reads as roles:
  roles: 'groups',
});
