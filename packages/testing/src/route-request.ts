import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What a route answered, as the checks read it. */
export interface RouteAnswer {
  status: number;
  /** `WWW-Authenticate`, or undefined. */
  challenge: string | undefined;
  /** `Retry-After`, or undefined. */
  retryAfter: string | undefined;
  /** At most the first 64 KiB of the body. */
  body: string;
}

const MAX_BODY = 64 * 1024;

/**
 * Sends one request with exactly these `Authorization` values (none, one, or several header
 * lines), so two credentials really arrive as two header lines (`fetch` would join them).
 * Rejects on a network error or after `timeoutMs`.
 */
export function sendRequest(
  url: URL,
  method: string,
  authorization: readonly string[],
  timeoutMs: number,
): Promise<RouteAnswer> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY) chunks.push(chunk);
        size += chunk.length;
      });
      res.on('error', reject);
      res.on('end', () => {
        const challenge = res.headers['www-authenticate'];
        resolve({
          status: res.statusCode ?? 0,
          challenge: Array.isArray(challenge) ? challenge.join(', ') : challenge,
          retryAfter: res.headers['retry-after'],
          body: Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8'),
        });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    if (authorization.length === 1) req.setHeader('authorization', authorization[0]!);
    if (authorization.length > 1) req.setHeader('authorization', [...authorization]);
    req.end();
  });
}

/** The auth-params of the first `Bearer` challenge in a `WWW-Authenticate` value (RFC 9110 §11.6.1). */
export function bearerChallenge(header: string | undefined): Record<string, string> | undefined {
  if (header === undefined) return undefined;
  const match = /(?:^|,)\s*Bearer(?:\s+|$)(.*)$/i.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  const param = /\s*([A-Za-z_][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]+))\s*(?:,|$)/y;
  const rest = match[1] ?? '';
  for (let found = param.exec(rest); found; found = param.exec(rest)) {
    params[found[1]!.toLowerCase()] ??= (found[2] ?? found[3] ?? '').replace(/\\(.)/g, '$1');
  }
  return params;
}
