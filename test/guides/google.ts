import type { VerifierOptions } from '@gatehouse/core';

export interface GoogleSettings {
  /** 'https://accounts.google.com'. */
  issuer: string;
  /** The audience the caller asked its ID token for: your service's URL (Cloud Run, IAP-less). */
  audience: string;
}

/** Service-to-service calls with Google-signed ID tokens (Google access tokens are opaque). */
export const googleOptions = ({ issuer, audience }: GoogleSettings): VerifierOptions => ({
  issuer,
  audience,
  requiredClaims: ['email'],
  claims: { email_verified: true },
});
