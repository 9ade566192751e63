/** A parsed `WWW-Authenticate` challenge (RFC 9110 §11.6.1), for structured assertions. */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses one challenge with quoted-string parameters, as RFC 6750 §3 requires them. */
export function parseChallenge(header: string): Challenge {
  const match = /^(\S+)(?:\s+(.*))?$/.exec(header.trim());
  if (!match) throw new Error(`not a challenge: ${header}`);
  const params: Record<string, string> = {};
  const rest = match[2] ?? '';
  const param = /\s*([A-Za-z_][\w-]*)="([^"]*)"\s*(?:,|$)/y;
  let consumed = 0;
  for (let found = param.exec(rest); found; found = param.exec(rest)) {
    params[found[1]!] = found[2]!;
    consumed = param.lastIndex;
  }
  if (consumed !== rest.length) throw new Error(`unparsable challenge parameters: ${rest}`);
  return { scheme: match[1]!, params };
}
