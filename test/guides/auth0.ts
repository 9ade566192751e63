import type { VerifierOptions } from '@gatehouse/core';

export interface Auth0Settings {
  /** Your tenant as an issuer, WITH its trailing slash: 'https://YOUR_TENANT.us.auth0.com/'. */
  issuer: string;
  /** The API's Identifier (Dashboard › Applications › APIs), e.g. 'https://api.example.com'. */
  audience: string;
}

export const auth0Options = ({ issuer, audience }: Auth0Settings): VerifierOptions => ({
  issuer,
  audience,
  // RBAC permissions arrive in `permissions`, which Gatehouse reads as scopes. Roles exist
  // only if a post-login Action adds them, under a namespaced claim of your choosing:
  roles: 'https://example.com/roles',
});
