import type { IncomingMessage } from 'node:http';
import type { DpopRequest } from './proof.js';

/**
 * What a DPoP proof is checked against, read from a Node.js request: every `DPoP` header value
 * (from `rawHeaders`, so a repeated header is seen and refused), the method, and the URL the
 * client addressed: `http(s)://` by the connection, the `Host` header, and `originalUrl` (the
 * frameworks' path before any mounting or rewriting: Express `req.originalUrl`, Koa
 * `ctx.originalUrl`, Fastify `request.originalUrl`).
 *
 * Behind a proxy that terminates TLS or rewrites `Host`, set the `dpop.origin` option to the
 * external origin: then only the path of this URL counts. No `X-Forwarded-*` header is trusted.
 */
export function nodeDpopRequest(raw: IncomingMessage, originalUrl: string): DpopRequest {
  let proof: string | string[] | undefined;
  const headers = raw.rawHeaders;
  for (let i = 0; i < headers.length; i += 2) {
    if ((headers[i] as string).toLowerCase() !== 'dpop') continue;
    const value = headers[i + 1] as string;
    proof = proof === undefined ? value : [...(Array.isArray(proof) ? proof : [proof]), value];
  }
  const secure = (raw.socket as { encrypted?: boolean } | null)?.encrypted === true;
  const host = raw.headers.host ?? raw.headers[':authority'];
  return {
    proof,
    method: raw.method ?? '',
    url: `${secure ? 'https' : 'http'}://${String(host)}${originalUrl}`,
  };
}
