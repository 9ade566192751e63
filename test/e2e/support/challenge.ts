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
