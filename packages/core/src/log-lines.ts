/**
 * What the log says: the line (level, message naming the cause and the fix, fields, throttling
 * cause) for each `GatehouseEvent` and for each option setting that works but is probably not
 * what was meant. `logging.ts` decides when a line is written; this file only words it.
 */
import { issuerHint } from './internal/issuer-hint.js';
import type { ResolvedOptions } from './options.js';
import type { GatehouseEvent } from './types.js';

type Level = 'error' | 'warn' | 'info' | 'debug';

/** One log line, before throttling. */
export interface Line {
  level: Level;
  message: string;
  fields: Record<string, unknown>;
  /** Lines with a cause are throttled per cause; per-request `debug` lines are not. */
  cause?: string;
}

/** The lines `event` is logged as (none, one, or a per-request line and an operator line). */
export function describe(event: GatehouseEvent, config: ResolvedOptions): Line[] {
  switch (event.type) {
    case 'token_rejected': {
      const perRequest: Line = {
        level: 'debug',
        message: `Gatehouse refused a request: ${event.code} (${event.reason})`,
        fields: { event: 'gatehouse.token_rejected', ...without(event, 'type') },
      };
      if (event.tokenIssuer === undefined || event.expectedIssuers === undefined) {
        return [perRequest];
      }
      return [perRequest, issuerMismatchLine(event.tokenIssuer, event.expectedIssuers)];
    }
    case 'keys_refresh_failed':
      return [keysFailedLine(event, config)];
    case 'keys_refreshed':
      if (event.afterFailures === undefined) {
        return [
          {
            level: 'debug',
            message: `Gatehouse fetched ${event.keyCount} signing key(s) of issuer "${event.issuer}"`,
            fields: { event: 'gatehouse.keys_refreshed', ...without(event, 'type') },
          },
        ];
      }
      return [
        {
          level: 'info',
          message:
            `Gatehouse fetched the signing keys of issuer "${event.issuer}" again after ` +
            `${event.afterFailures} failed attempt(s); its tokens are verified again.`,
          fields: { event: 'gatehouse.keys_recovered', ...without(event, 'type') },
        },
      ];
    case 'discovery':
      return [
        {
          level: 'debug',
          message: `Gatehouse discovered the JWKS of issuer "${event.issuer}": ${event.jwksUri}`,
          fields: { event: 'gatehouse.discovery', ...without(event, 'type') },
        },
      ];
    case 'issuer_near_miss':
      // The issuer-mismatch line (from token_rejected) already names the token's issuer and hint.
      return [];
    case 'introspection_failed':
      return [
        {
          level: 'error',
          // The line that opens the breaker is logged even when its cause was just logged.
          cause: `introspection ${event.issuer} ${event.detail}${event.breakerOpenFor === undefined ? '' : ' (breaker)'}`,
          message:
            `Gatehouse could not introspect a token at issuer "${event.issuer}"` +
            `${event.endpoint === undefined ? '' : ` (POST ${event.endpoint})`}: ${event.detail}; ` +
            'tokens introspected there are answered 503 until the endpoint answers' +
            (event.breakerOpenFor === undefined
              ? '. '
              : ` (after ${event.failures} failures in a row, at once for ${event.breakerOpenFor} s, then one probe). `) +
            'Fix: check the endpoint URL, its reachability and the client credentials.',
          fields: { event: 'gatehouse.introspection_failed', ...without(event, 'type') },
        },
      ];
    case 'introspection_recovered':
      return [
        {
          level: 'info',
          message:
            `Gatehouse introspects tokens at issuer "${event.issuer}" again (POST ${event.endpoint}) ` +
            `after ${event.afterFailures} failed call(s).`,
          fields: { event: 'gatehouse.introspection_recovered', ...without(event, 'type') },
        },
      ];
  }
}

function issuerMismatchLine(tokenIssuer: string, expected: readonly string[]): Line {
  const hint = issuerHint(tokenIssuer, expected);
  const configured = expected.map((issuer) => `"${issuer}"`).join(', ');
  return {
    level: 'warn',
    cause: `iss ${tokenIssuer}`,
    message:
      `Gatehouse refused a token from issuer "${tokenIssuer}", which this API does not trust ` +
      `(configured: ${configured}).${hint === undefined ? '' : ` ${hint}`} Fix: if tokens from ` +
      `"${tokenIssuer}" are meant for this API, set the \`issuer\` option to exactly that value ` +
      "(it is compared character for character with the token's `iss`).",
    fields: {
      event: 'gatehouse.issuer_mismatch',
      tokenIssuer,
      expectedIssuers: expected,
      ...(hint === undefined ? {} : { hint }),
    },
  };
}

type KeysFailed = Extract<GatehouseEvent, { type: 'keys_refresh_failed' }>;

function keysFailedLine(event: KeysFailed, config: ResolvedOptions): Line {
  const where = event.url === undefined ? '' : `GET ${event.url} failed: `;
  const consequence = event.stale
    ? 'The last good keys are still used (stale) for up to keyFetch.maxStale.'
    : 'Every request with a token from this issuer is answered 503 until they can be fetched.';
  return {
    level: event.stale ? 'warn' : 'error',
    cause: `keys ${event.issuer} ${event.detail}`,
    message:
      `Gatehouse cannot fetch the signing keys of issuer "${event.issuer}": ${where}` +
      `${event.detail}. ${consequence} Fix: ${keysFix(event, config.keyFetch.timeoutMs)}`,
    fields: { event: 'gatehouse.keys_unavailable', ...without(event, 'type') },
  };
}

/** What to do about a failed key fetch, from its (safe, fixed-vocabulary) detail. */
function keysFix(event: KeysFailed, timeoutMs: number): string {
  const { detail, metadataIssuer } = event;
  if (metadataIssuer !== undefined) {
    const hint = issuerHint(metadataIssuer, [event.issuer]);
    return (
      `the discovery document says the issuer is "${metadataIssuer}"` +
      `${hint === undefined ? '' : ` (${hint})`}: set \`issuer\` to exactly that value, ` +
      "which is also what the tokens' `iss` holds."
    );
  }
  if (detail.includes('ECONNREFUSED')) {
    return 'nothing accepts connections there: check the host and port of the issuer URL, and that the issuer is running and reachable from this host.';
  }
  if (detail.includes('ENOTFOUND') || detail.includes('EAI_AGAIN')) {
    return "the host name does not resolve: check the issuer URL's spelling and this host's DNS.";
  }
  if (detail.includes('timeout')) {
    return `no complete answer within keyFetch.timeout (${timeoutMs} ms): check network access to the issuer (proxy, firewall), or raise keyFetch.timeout.`;
  }
  if (detail.includes('network error')) {
    return 'the connection failed: check that the issuer is running and that no proxy or firewall cuts the connection.';
  }
  if (detail.includes('redirect refused')) {
    return 'the URL redirects, and Gatehouse does not follow redirects: configure the final URL (often a trailing slash too many or too few in `issuer`).';
  }
  if (detail.startsWith('discovery:') && /HTTP 40[34]|HTTP 410/.test(detail)) {
    return 'no discovery document at that URL: check the issuer URL, path included, against the `iss` of its tokens, or set `jwksUri`.';
  }
  if (/HTTP 40[34]|HTTP 410/.test(detail)) {
    return 'no JWK set at that URL: check `jwksUri` (or the `jwks_uri` of the discovery document).';
  }
  if (/HTTP 5\d\d/.test(detail)) {
    return "the issuer answers with a server error: check the issuer's health; Gatehouse retries with backoff.";
  }
  if (detail.includes('refused')) {
    return 'plain http: is only used for loopback hosts: use an https URL (`allowInsecureRequests` is for tests).';
  }
  if (detail.includes('larger than')) {
    return 'raise keyFetch.maxBytes if the document is legitimately that large.';
  }
  return 'check that the URL serves the expected JSON document (discovery metadata or a JWK set) to this host.';
}

/** Settings that are valid but probably not meant; each names the option and the fix. */
export function configWarnings(config: ResolvedOptions): Line[] {
  const lines: Line[] = [];
  const warn = (option: string, message: string) =>
    lines.push({
      level: 'warn',
      cause: `config ${option} ${config.issuers.join(' ')}`,
      message: `Gatehouse option \`${option}\`: ${message}`,
      fields: { event: 'gatehouse.config_warning', option },
    });
  if (config.keyFetch.allowInsecureRequests) {
    warn(
      'allowInsecureRequests',
      'keys may be fetched over plain http: from other hosts, where anyone on the path can substitute their own keys. Fix: use https URLs and remove the option (loopback http: needs no option).',
    );
  }
  if (config.clockToleranceMs > 300_000) {
    warn(
      'clockTolerance',
      `tokens are accepted ${config.clockToleranceMs / 1000} s after they expire. Fix: keep it to seconds and synchronise clocks (NTP).`,
    );
  }
  if (config.keyFetch.timeoutMs > 30_000) {
    warn(
      'keyFetch.timeout',
      `a request may wait ${config.keyFetch.timeoutMs / 1000} s for keys while the issuer is slow. Fix: a few seconds is enough for a healthy issuer.`,
    );
  }
  if (
    config.keyFetch.maxStaleMs === 0 &&
    config.keys === undefined &&
    config.secret === undefined
  ) {
    warn(
      'keyFetch.maxStale',
      'is 0: keys are dropped as soon as a refresh fails, so a short issuer outage refuses every request (503). Fix: leave the default (24 h).',
    );
  }
  return lines;
}

function without<T extends object, K extends keyof T>(value: T, key: K): Omit<T, K> {
  const { [key]: _dropped, ...rest } = value;
  return rest;
}
