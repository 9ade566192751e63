/**
 * The options that shape the `WWW-Authenticate` challenge (`realm`, `resourceMetadata`, and the
 * DPoP challenge when DPoP is on): the `resourceMetadata` schema, its consistency with `issuer`
 * and `audience`, and the resolved `ChallengeOptions`.
 */
import { z } from 'zod';
import type { DpopSettings } from './dpop/options.js';
import type { ChallengeOptions } from './errors.js';
import { type OptionIssue, url } from './option-schemas.js';
import type { ResourceMetadata } from './resource-metadata.js';

/** The `resourceMetadata` option: a URL, or `createResourceMetadata`'s result. */
export const resourceMetadataSchema = z.union([
  url,
  // Only what the challenge and `resourceMetadataIssues` read; resource-metadata.ts builds it.
  z.custom<ResourceMetadata>(
    (value) => {
      const document = value as Partial<ResourceMetadata> | null;
      return (
        typeof document?.url === 'string' &&
        typeof document.resource === 'string' &&
        Array.isArray(document.authorizationServers)
      );
    },
    { message: 'must be a URL or the result of createResourceMetadata()' },
  ),
]);

/**
 * A metadata document that would send clients for tokens this verifier refuses, or promise
 * them a DPoP policy the verifier does not apply.
 */
export function resourceMetadataIssues(
  metadata: string | ResourceMetadata | undefined,
  issuers: readonly string[],
  audience: string | string[] | undefined,
  dpop: DpopSettings | undefined,
): OptionIssue[] {
  if (metadata === undefined || typeof metadata === 'string') return [];
  const issues: OptionIssue[] = [];
  const audiences = Array.isArray(audience) ? audience : [audience];
  if (!audiences.includes(metadata.resource)) {
    issues.push({ path: 'resourceMetadata.resource', message: 'must be one of `audience`' });
  }
  metadata.authorizationServers.forEach((server, i) => {
    if (!issuers.includes(server)) {
      issues.push({
        path: `resourceMetadata.authorizationServers.${i}`,
        message: 'must be one of `issuer`',
      });
    }
  });
  const required = metadata.document.dpop_bound_access_tokens_required;
  if (required !== undefined && required !== (dpop?.required === true)) {
    issues.push({
      path: 'resourceMetadata.dpopBoundAccessTokensRequired',
      message: `is ${String(required)} but \`dpop.required\` is ${dpop?.required === true}`,
    });
  }
  const algorithms = metadata.document.dpop_signing_alg_values_supported;
  if (Array.isArray(algorithms)) {
    algorithms.forEach((alg, i) => {
      if (dpop === undefined || !dpop.algorithms.includes(alg)) {
        issues.push({
          path: `resourceMetadata.dpopSigningAlgValuesSupported.${i}`,
          message:
            dpop === undefined
              ? 'is published but the `dpop` option is off'
              : 'must be one of `dpop.algorithms`',
        });
      }
    });
  }
  return issues;
}

/** The challenge every refusal of this verifier carries; keys absent when not configured. */
export function resolveChallenge(
  realm: string | undefined,
  resourceMetadata: string | ResourceMetadata | undefined,
  dpop: DpopSettings | undefined,
): ChallengeOptions {
  return {
    ...(realm === undefined ? {} : { realm }),
    ...(resourceMetadata === undefined
      ? {}
      : {
          resourceMetadata:
            typeof resourceMetadata === 'string' ? resourceMetadata : resourceMetadata.url,
        }),
    ...(dpop === undefined
      ? {}
      : { dpop: { algorithms: dpop.algorithms, bearer: !dpop.required } }),
  };
}
