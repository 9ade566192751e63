import type { VerifierOptions } from '@gatehouse/core';

export interface FirebaseSettings {
  /** Your Firebase project id, e.g. 'my-project'. */
  projectId: string;
  /** 'https://securetoken.google.com'. */
  securetoken: string;
}

export const firebaseOptions = ({ projectId, securetoken }: FirebaseSettings): VerifierOptions => ({
  issuer: `${securetoken}/${projectId}`,
  audience: projectId,
  requiredClaims: ['sub', 'auth_time'],
  // Custom claims set with the Admin SDK: setCustomUserClaims(uid, { roles: ['editor'] })
  roles: 'roles',
});
