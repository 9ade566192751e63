import { isSupportedAlg, SUPPORTED_ALGORITHMS } from './keys.js';
import { normalizePath } from './metadata.js';
import { TENANT_PLACEHOLDER } from './routes.js';
import type { Alg, DiscoveryMode, TestClient, TestIssuerOptions } from './types.js';

/** Defaults of {@link TestIssuerOptions}. */
export const TEST_ISSUER_DEFAULTS = Object.freeze({
  path: '',
  algorithms: Object.freeze(['RS256'] as Alg[]),
  audience: 'https://api.example.test',
  discovery: 'both' as DiscoveryMode,
  clients: Object.freeze([
    Object.freeze({ clientId: 'test-client', clientSecret: 'test-secret' }),
  ]) as readonly TestClient[],
  accessTokenTtl: 600,
  jwksMaxAge: 600,
  trailingSlash: false,
});

/** Options with every default applied. */
export interface ResolvedOptions {
  path: string;
  algorithms: Alg[];
  audience: string;
  discovery: DiscoveryMode;
  clients: TestClient[];
  accessTokenTtl: number;
  jwksMaxAge: number;
  trailingSlash: boolean;
  jwksPath: string | undefined;
}

function fail(option: string, problem: string): never {
  throw new TypeError(`@gatehouse/testing: options.${option} ${problem}`);
}

function seconds(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0)
    fail(option, 'must be a non-negative number of seconds');
  return value;
}

/** Applies defaults and rejects invalid options, naming the option. */
export function resolveOptions(options: TestIssuerOptions = {}): ResolvedOptions {
  const algorithms = options.algorithms ?? [...TEST_ISSUER_DEFAULTS.algorithms];
  if (!Array.isArray(algorithms)) fail('algorithms', 'must be an array');
  algorithms.forEach((alg, index) => {
    if (!isSupportedAlg(alg)) {
      fail(`algorithms[${index}]`, `must be one of ${SUPPORTED_ALGORITHMS.join(', ')}`);
    }
  });
  const discovery = options.discovery ?? TEST_ISSUER_DEFAULTS.discovery;
  if (!['oidc', 'oauth', 'both', 'none'].includes(discovery)) {
    fail('discovery', "must be 'oidc', 'oauth', 'both' or 'none'");
  }
  const audience = options.audience ?? TEST_ISSUER_DEFAULTS.audience;
  if (typeof audience !== 'string' || audience === '')
    fail('audience', 'must be a non-empty string');
  const clients = (options.clients ?? TEST_ISSUER_DEFAULTS.clients).map((client, index) => {
    if (typeof client?.clientId !== 'string' || client.clientId === '') {
      fail(`clients[${index}].clientId`, 'must be a non-empty string');
    }
    if (typeof client.clientSecret !== 'string') {
      fail(`clients[${index}].clientSecret`, 'must be a string');
    }
    return { ...client };
  });
  const path = normalizePath(options.path);
  const jwksPath =
    options.jwksPath === undefined ? undefined : normalizePath(options.jwksPath, 'jwksPath');
  if (jwksPath === '') fail('jwksPath', 'must not be empty');
  if (jwksPath?.includes(TENANT_PLACEHOLDER) && !path.includes(TENANT_PLACEHOLDER)) {
    fail('jwksPath', `may only hold ${TENANT_PLACEHOLDER} when options.path does`);
  }
  if (options.trailingSlash !== undefined && typeof options.trailingSlash !== 'boolean') {
    fail('trailingSlash', 'must be a boolean');
  }
  return {
    path,
    jwksPath,
    trailingSlash: options.trailingSlash ?? TEST_ISSUER_DEFAULTS.trailingSlash,
    algorithms: [...algorithms],
    audience,
    discovery,
    clients,
    accessTokenTtl: seconds(
      'accessTokenTtl',
      options.accessTokenTtl,
      TEST_ISSUER_DEFAULTS.accessTokenTtl,
    ),
    jwksMaxAge: seconds('jwksMaxAge', options.jwksMaxAge, TEST_ISSUER_DEFAULTS.jwksMaxAge),
  };
}
