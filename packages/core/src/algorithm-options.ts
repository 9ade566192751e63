/**
 * The checks on the `algorithms` options (top level and per issuer entry) that a schema cannot
 * express: RFC 8725 §3.1–3.2 (no `none`, HMAC never mixed with public keys) and RFC 7518 §3.2
 * (an HMAC secret at least as long as the hash).
 */
import {
  ASYMMETRIC_ALGORITHMS,
  HMAC_ALGORITHMS,
  HMAC_MIN_SECRET_BYTES,
  isHmacAlgorithm,
  isSupportedAlgorithm,
} from './algorithms.js';
import type { IssuerOption } from './issuers.js';
import type { OptionIssue } from './option-schemas.js';

/**
 * The problems of `algorithms` (the top-level list, default applied) and of each issuer entry's
 * own list, given the shared `secret` (`undefined`: public keys only).
 */
export function algorithmIssues(
  issuer: IssuerOption | IssuerOption[],
  algorithms: string[],
  secret: Uint8Array | undefined,
): OptionIssue[] {
  const issues: OptionIssue[] = [];
  for (const [prefix, list] of algorithmLists(issuer, algorithms))
    list.forEach((alg, i) => {
      const path = `${prefix}.${i}`;
      if (alg.toLowerCase() === 'none')
        issues.push({ path, message: '"none" is never accepted (RFC 8725 §3.2)' });
      else if (!isSupportedAlgorithm(alg)) {
        issues.push({
          path,
          message: `unsupported algorithm "${alg}"; use one of ${[...ASYMMETRIC_ALGORITHMS, ...HMAC_ALGORITHMS].join(', ')}`,
        });
      } else if (isHmacAlgorithm(alg) !== (secret !== undefined)) {
        issues.push({
          path,
          message: secret
            ? `"${alg}" cannot be used with a shared secret: with \`secret\`, only HMAC algorithms are allowed`
            : `"${alg}" needs a shared \`secret\`; HMAC is never mixed with public-key algorithms (RFC 8725 §3.1)`,
        });
      } else if (
        secret &&
        secret.byteLength < HMAC_MIN_SECRET_BYTES[alg as keyof typeof HMAC_MIN_SECRET_BYTES]
      ) {
        issues.push({
          path: 'secret',
          message: `must be at least ${HMAC_MIN_SECRET_BYTES[alg as keyof typeof HMAC_MIN_SECRET_BYTES]} bytes for ${alg} (RFC 7518 §3.2)`,
        });
      }
    });
  return issues;
}

/** The top-level `algorithms` and each issuer entry's own, with the option path of each. */
function algorithmLists(
  option: IssuerOption | IssuerOption[],
  algorithms: string[],
): (readonly [string, readonly string[]])[] {
  const entries = Array.isArray(option) ? option : [option];
  const lists: (readonly [string, readonly string[]])[] = [['algorithms', algorithms]];
  entries.forEach((entry, i) => {
    if (typeof entry === 'object' && entry.algorithms !== undefined) {
      const path = Array.isArray(option) ? `issuer.${i}.algorithms` : 'issuer.algorithms';
      lists.push([path, entry.algorithms]);
    }
  });
  return lists;
}
