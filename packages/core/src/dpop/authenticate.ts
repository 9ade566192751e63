/**
 * The DPoP side of `authenticate` (RFC 9449 §7): the `DPoP` authorization scheme, the access
 * token verified as for Bearer (but allowed a `cnf`), then its proof checked against the request.
 */
import { GatehouseError, isGatehouseError } from '../errors.js';
import type { AuthContext } from '../types.js';
import type { Authorization, DpopRequestSource } from '../verifier.js';
import type { DpopSettings } from './options.js';
import { checkDpopProof, type DpopRequest } from './proof.js';

// RFC 9449 §7.1: credentials = "DPoP" 1*SP token68; the scheme is case-insensitive.
const SCHEME = /^dpop(\s+|$)/i;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * The access token of an `Authorization: DPoP` header, or `undefined` when the header uses
 * another scheme (or none). Throws `invalid_request` (on the DPoP challenge) for an empty or
 * ill-formed token, and for more than one credential when one of them is DPoP.
 */
export function extractDpopToken(authorization: Authorization): string | undefined {
  if (Array.isArray(authorization)) {
    const present = authorization.filter((value) => value.trim() !== '');
    if (present.length > 1) {
      if (present.some((value) => SCHEME.test(value.trim()))) throw multiple();
      return undefined;
    }
    return extractDpopToken(present[0]);
  }
  const value = (authorization as string | undefined)?.trim();
  const scheme = value === undefined ? null : SCHEME.exec(value);
  if (!value || !scheme) return undefined;
  const token = value.slice(scheme[0].length);
  if (token === '') throw malformed('the DPoP access token is empty');
  if (/[^ ]/.test(scheme[1] as string)) {
    throw malformed('the DPoP scheme must be followed by spaces');
  }
  if (TOKEN68.test(token)) return token;
  if (/,\s*(bearer|dpop)\s/i.test(token)) throw multiple();
  throw malformed('the DPoP access token has characters RFC 9449 does not allow');
}

/** What `authenticateDpop` needs from the verifier and the request. */
export interface DpopAuthentication {
  token: string;
  /** The request's DPoP header, method and URL; `undefined` counts as no proof. */
  request: DpopRequest | undefined;
  /** Verifies the access token like a Bearer token, except that a `cnf` is allowed. */
  verifyToken(token: string): AuthContext | Promise<AuthContext>;
  /** The verifier's one way to refuse (events, unexpected errors); for the proof's refusals. */
  refuse(error: unknown): GatehouseError;
}

/**
 * The verifier's answer to a DPoP credential, or to any credential when DPoP is `required`;
 * `undefined` when the Bearer path is to answer (DPoP optional, another scheme or none).
 * Refusals are rejected promises, made by `verifier.refuse`.
 */
export function answerDpop(
  authorization: Authorization,
  request: DpopRequestSource | undefined,
  verifier: Pick<DpopAuthentication, 'verifyToken' | 'refuse'>,
  settings: DpopSettings,
): Promise<AuthContext> | undefined {
  let token: string | undefined;
  let http: DpopRequest | undefined;
  try {
    token = extractDpopToken(authorization);
    if (token === undefined) {
      if (!settings.required) return undefined;
      throw new GatehouseError(
        'unauthorized',
        'missing_credentials',
        'a DPoP-bound access token and its proof are required',
      );
    }
    http = typeof request === 'function' ? request() : request;
  } catch (error) {
    return Promise.reject(verifier.refuse(error));
  }
  return authenticateDpop({ ...verifier, token, request: http }, settings);
}

/**
 * Authenticates a `DPoP` request: the token, then its proof. Resolves with the token's
 * `AuthContext` plus `dpop` (the key thumbprint, and a fresh nonce to send when one is due);
 * rejects with a `GatehouseError` whose challenge is DPoP's.
 *
 * Does not: cache anything about the proof (each is single-use); accept a token without
 * `cnf.jkt` (RFC 9449 §7.1).
 */
async function authenticateDpop(
  input: DpopAuthentication,
  settings: DpopSettings,
): Promise<AuthContext> {
  let auth: AuthContext;
  try {
    auth = await input.verifyToken(input.token);
  } catch (error) {
    throw isGatehouseError(error) && error.scheme !== 'DPoP' ? onDpopScheme(error) : error;
  }
  try {
    const { thumbprint, nonce } = await checkDpopProof(
      {
        ...(input.request ?? { proof: undefined, method: '', url: '' }),
        accessToken: input.token,
        jkt: (auth.claims['cnf'] as { jkt?: unknown } | undefined)?.jkt,
        nowMs: Date.now(),
      },
      settings,
    );
    return Object.freeze({
      ...auth,
      dpop: Object.freeze(nonce === undefined ? { jkt: thumbprint } : { jkt: thumbprint, nonce }),
    });
  } catch (error) {
    throw input.refuse(error);
  }
}

/** The same refusal, answered on the DPoP challenge: the client used that scheme. */
function onDpopScheme(error: GatehouseError): GatehouseError {
  return new GatehouseError(error.code, error.reason, error.description, {
    scheme: 'DPoP',
    ...(error.scope === undefined ? {} : { scope: error.scope }),
    ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
    ...(error.dpopNonce === undefined ? {} : { dpopNonce: error.dpopNonce }),
    cause: error.cause ?? error,
  });
}

const malformed = (description: string) =>
  new GatehouseError('invalid_request', 'malformed_header', description, { scheme: 'DPoP' });

const multiple = () =>
  new GatehouseError(
    'invalid_request',
    'multiple_credentials',
    'more than one credential was sent',
    {
      scheme: 'DPoP',
    },
  );
