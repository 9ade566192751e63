import type { DpopRequest } from './proof.js';

/**
 * What a DPoP proof is checked against, read from a Web `Request`: its `DPoP` header, its method
 * and its URL (absolute in the Fetch API). `Headers` joins repeated lines with ", "; a compact
 * JWS never holds a comma, so a joined value is split back and refused as several proofs.
 *
 * Behind a proxy that terminates TLS or rewrites the host, set the `dpop.origin` option.
 */
export function fetchDpopRequest(request: Request): DpopRequest {
  const value = request.headers.get('dpop');
  return {
    proof: value === null ? undefined : value.includes(',') ? value.split(/\s*,\s*/) : value,
    method: request.method,
    url: request.url,
  };
}
