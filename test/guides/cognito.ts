import type { VerifierOptions } from '@gatehouse/core';

export interface CognitoSettings {
  /** 'https://cognito-idp.<region>.amazonaws.com/<user pool id>'. */
  issuer: string;
  /** The app client id(s) whose access tokens this API accepts. */
  appClientIds: string[];
}

export const cognitoOptions = ({ issuer, appClientIds }: CognitoSettings): VerifierOptions => ({
  issuer,
  // Cognito access tokens have no `aud`: the app client is in `client_id`.
  audience: appClientIds,
  audienceClaim: 'client_id',
  // ID tokens carry the app client in `aud` and `token_use: 'id'`: refuse them.
  claims: { token_use: 'access' },
  roles: 'cognito:groups',
});
