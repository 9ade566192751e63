import { z } from 'zod';

/**
 * What each option is for, by its path (array indices left out), so that a missing or mistyped
 * option is reported with its purpose and an example, not zod's bare "Invalid input".
 */
const PURPOSE: Readonly<Record<string, string>> = {
  issuer:
    "the URL of the authorization server whose tokens this API trusts, exactly as it puts it in `iss`, e.g. 'https://as.example.com'",
  audience:
    "the identifier of this API as the issuer puts it in `aud`, e.g. 'https://api.example.com'",
  jwksUri: 'the URL of the issuer’s JWKS, to skip discovery',
  keys: 'a fixed JWKS, `{ keys: [...] }`, instead of fetching one',
  secret: 'the shared HMAC secret (then only HS* algorithms are accepted)',
  algorithms: "the accepted `alg` values, e.g. ['RS256']",
  clockTolerance: "the leeway for `exp`, `nbf` and `iat`, in seconds or a string such as '30s'",
  maxTokenAge: "the oldest `iat` accepted, in seconds or a string such as '1h'",
  maxTokenLength: 'the longest token accepted, in bytes',
  typ: "the `typ` header policy: 'lenient', 'strict' or a list of accepted values",
  requiredClaims: "claims that must be present, e.g. ['sub']",
  claims: "rules on claim values, e.g. { tenant: 'acme' }",
  cache: 'the verified-token cache: `false` or `{ max }`',
  keyFetch: 'key retrieval tuning: `{ timeout, cooldown, maxAge, maxStale, maxBytes, maxKeys }`',
  allowInsecureRequests: 'allows http: issuer and key URLs off loopback',
  realm: 'the `realm` of the `WWW-Authenticate` challenge',
  resourceMetadata: 'the RFC 9728 `resource_metadata` URL of the challenge',
  onEvent: 'a function receiving key-refresh and rejection events',
  optional: 'lets a request without credentials through without `auth`',
  resolveUser: 'a function (auth, request) => user | null mapping the token to your user',
  userCache: 'the user cache: `false` or `{ max, ttl }`',
  unknownUser: "what to do when `resolveUser` finds nobody: 'reject' or 'continue'",
  errors: "'respond' writes the error answer; 'delegate' passes it to the framework",
  verifier: 'a Verifier from createVerifier(), to share one between handlers',
};

type Issue = { path: string; message: string };

/** Turns one zod issue into messages that say what is wrong and, where known, what the option is for. */
export function describeIssue(
  schema: z.ZodType,
  input: unknown,
  issue: z.core.$ZodIssue,
  prefix?: string,
): Issue[] {
  const segments = issue.path.map(String);
  const path = [...(prefix === undefined ? [] : [prefix]), ...segments].join('.') || '(options)';
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(schemaAt(schema, segments));
    return issue.keys.map((key) => {
      const near = nearest(key, known);
      return {
        path,
        message: `unknown option \`${key}\`${near === undefined ? '' : ` — did you mean \`${near}\`?`}`,
      };
    });
  }
  const purpose = PURPOSE[segments.filter((segment) => !/^\d+$/.test(segment)).join('.')];
  const forWhat = purpose === undefined ? '' : ` (${purpose})`;
  if (valueAt(input, segments) === undefined && isTypeMismatch(issue)) {
    return [{ path, message: `is required${purpose === undefined ? '' : `: ${purpose}`}` }];
  }
  if (isTypeMismatch(issue)) {
    return [
      {
        path,
        message: `must be ${expected(issue)}, not ${kindOf(valueAt(input, segments))}${forWhat}`,
      },
    ];
  }
  return [{ path, message: refinedMessage(issue) }];
}

/** True when the value has none of the accepted types or literal values. */
function isTypeMismatch(issue: z.core.$ZodIssue): boolean {
  if (issue.code === 'invalid_type') return true;
  return issue.code === 'invalid_union' && issue.errors.every(isBranchTypeMismatch);
}

const isBranchTypeMismatch = (branch: readonly z.core.$ZodIssue[]) =>
  branch.some(
    (inner) =>
      inner.path.length === 0 && (inner.code === 'invalid_type' || inner.code === 'invalid_value'),
  );

/** The message of the branch the value matched by type, so a refinement's words are kept. */
function refinedMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value') {
    return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
  }
  if (issue.code !== 'invalid_union') return issue.message;
  const matched = issue.errors.find((branch) => !isBranchTypeMismatch(branch));
  return matched?.[0] === undefined ? issue.message : refinedMessage(matched[0]);
}

function expected(issue: z.core.$ZodIssue): string {
  const names = new Set<string>();
  const add = (inner: z.core.$ZodIssue) => {
    if (inner.code === 'invalid_type') names.add(article(inner.expected));
    else if (inner.code === 'invalid_value') {
      for (const value of inner.values) names.add(JSON.stringify(value));
    } else if (inner.code === 'invalid_union') {
      for (const branch of inner.errors) branch.forEach(add);
    }
  };
  add(issue);
  const list = [...names];
  return list.length <= 1
    ? (list[0] ?? 'something else')
    : `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`;
}

const article = (type: string) =>
  ['array', 'object', 'integer'].includes(type) ? `an ${type}` : `a ${type}`;

/** The kind of value given; a short string is quoted, as it was likely meant as one of the literals. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string' && value.length <= 24) return JSON.stringify(value);
  if (Array.isArray(value)) return 'an array';
  return article(typeof value);
}

function valueAt(input: unknown, segments: readonly string[]): unknown {
  let value = input;
  for (const segment of segments) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** The object schemas found at `segments`, looking through optionals, unions and arrays. */
function schemaAt(schema: z.ZodType, segments: readonly string[]): z.ZodObject[] {
  let current: z.ZodType[] = [schema];
  for (const segment of segments) {
    current = current.flatMap((candidate) =>
      objectsIn(candidate).flatMap((object) => {
        const field = object.shape[segment] as z.ZodType | undefined;
        return field === undefined ? [] : [field];
      }),
    );
    current = current.flatMap((candidate) => elementsOrSelf(candidate));
  }
  return current.flatMap(objectsIn);
}

function objectsIn(schema: z.ZodType): z.ZodObject[] {
  if (schema instanceof z.ZodObject) return [schema];
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    return objectsIn(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap(objectsIn);
  return [];
}

function elementsOrSelf(schema: z.ZodType): z.ZodType[] {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) {
    return elementsOrSelf(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodArray) return [schema.element as z.ZodType];
  if (schema instanceof z.ZodUnion) {
    return (schema.options as z.ZodType[]).flatMap((option) =>
      option instanceof z.ZodArray ? [option.element as z.ZodType] : [option],
    );
  }
  return [schema];
}

function knownKeys(objects: readonly z.ZodObject[]): string[] {
  return [...new Set(objects.flatMap((object) => Object.keys(object.shape)))];
}

/** The known name closest to `name` (case, a typo or two, a plural), if one is close enough. */
export function nearest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  return bestDistance <= limit ? best : undefined;
}

/** Levenshtein distance; option names are short, so the quadratic table is cheap. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
