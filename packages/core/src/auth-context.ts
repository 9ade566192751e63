import { invalidToken } from './errors.js';
import { extractScopes } from './scopes.js';
import type { AuthContext, JwtClaims, JwtHeader } from './types.js';

/**
 * What a verified token says, as handed to route handlers. Frozen: the verified-token cache
 * hands the same object to every request presenting the token (header and claims come deeply
 * frozen from `decodeCompactJws`).
 */
export function toAuthContext(
  token: string,
  header: JwtHeader,
  claims: JwtClaims,
  issuer: string,
): AuthContext {
  const { sub, client_id: clientIdClaim, azp } = claims;
  if (sub !== undefined && typeof sub !== 'string')
    throw invalidToken('invalid_claim', 'the "sub" claim is not a string');
  const clientId =
    typeof clientIdClaim === 'string' ? clientIdClaim : typeof azp === 'string' ? azp : undefined;
  const auth: AuthContext = {
    token,
    header,
    claims,
    issuer,
    scopes: Object.freeze(extractScopes(claims)),
  };
  if (sub !== undefined) auth.subject = sub;
  if (clientId !== undefined) auth.clientId = clientId;
  return Object.freeze(auth);
}

/**
 * True for a machine-to-machine token (client credentials grant): no end user, so `sub` is
 * absent or names the client itself (RFC 9068 §2.2).
 */
export function isClientCredentials(auth: Pick<AuthContext, 'subject' | 'clientId'>): boolean {
  return (
    auth.subject === undefined || (auth.clientId !== undefined && auth.subject === auth.clientId)
  );
}
