import type { VerifierOptions } from '@gatehouse/core';

export interface KeycloakSettings {
  /** 'https://keycloak.example.com/realms/acme' (before Keycloak 17: '/auth/realms/acme'). */
  realmUrl: string;
  /** The audience an Audience mapper adds for this API, e.g. its client id 'orders-api'. */
  audience: string;
}

export const keycloakOptions = ({ realmUrl, audience }: KeycloakSettings): VerifierOptions => ({
  issuer: realmUrl,
  audience, // never 'account': every token of the realm carries that one
  // Realm roles, and this API's client roles:
  roles: ['realm_access.roles', `resource_access.${audience}.roles`],
});
