/** A parsed `WWW-Authenticate` challenge (RFC 9110 §11.6.1), one scheme. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a single-challenge `WWW-Authenticate` value such as
 * `Bearer error="invalid_token", error_description="…"`, so tests compare parameters, not text.
 */
export function parseChallenge(header: string | null): Challenge | null {
  if (header === null) return null;
  const match = /^\s*([!#$%&'*+.^_`|~\w-]+)\s*(.*)$/s.exec(header);
  if (!match) return null;
  const params: Record<string, string> = {};
  const pattern = /([!#$%&'*+.^_`|~\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))\s*,?\s*/gy;
  const rest = match[2] ?? '';
  let param = pattern.exec(rest);
  while (param) {
    params[(param[1] ?? '').toLowerCase()] = (param[2] ?? param[3] ?? '').replace(/\\(.)/g, '$1');
    param = pattern.exec(rest);
  }
  return { scheme: match[1] ?? '', params };
}

/**
 * Parses a `WWW-Authenticate` value holding several challenges (RFC 9110 §11.6.1), such as
 * `Bearer realm="api", DPoP algs="ES256", error="invalid_dpop_proof"`, in order.
 */
export function parseChallenges(header: string | null): Challenge[] {
  const challenges: Challenge[] = [];
  if (header === null) return challenges;
  const param = /[\s,]*([!#$%&'*+.^_`|~\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/y;
  const scheme = /[\s,]*([!#$%&'*+.^_`|~\w-]+)/y;
  let at = 0;
  while (at < header.length && /\S/.test(header.slice(at))) {
    param.lastIndex = at;
    const found = param.exec(header);
    const current = challenges[challenges.length - 1];
    if (found && current) {
      current.params[(found[1] ?? '').toLowerCase()] = (found[2] ?? found[3] ?? '').replace(
        /\\(.)/g,
        '$1',
      );
      at = param.lastIndex;
      continue;
    }
    scheme.lastIndex = at;
    const name = scheme.exec(header);
    if (!name) break;
    challenges.push({ scheme: name[1] ?? '', params: {} });
    at = scheme.lastIndex;
  }
  return challenges;
}
