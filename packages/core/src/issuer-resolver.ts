/**
 * Finds, for a token's `iss`, the configured entry that trusts it and the key store bound to
 * that exact issuer. Runs before any network request: an issuer no entry allows is refused
 * here, at the cost of a map lookup and a few string comparisons per template.
 *
 * Does not: build a regular expression from a template or a token; keep more than `maxIssuers`
 * tenant key stores (least recently used evicted); create more than `newIssuersPerMinute` of
 * them a minute (beyond: 503 with `Retry-After`, so a flood of made-up tenants cannot start a
 * fetch storm); trust a tenant whose `tid` disagrees with its `iss`.
 */
import { GatehouseError, invalidToken } from './errors.js';
import { emit } from './internal/emit.js';
import { nearMiss } from './internal/issuer-near-miss.js';
import { issuerMismatch } from './internal/refusal-event.js';
import { forTenant, type ResolvedIssuer, TENANT_PLACEHOLDER, tenantOf } from './issuers.js';
import type { KeyStore } from './jwks.js';
import type { EventListener, JwtClaims } from './types.js';

/** What a token's issuer resolves to. */
export interface IssuerMatch {
  /** The token's `iss`, exactly. */
  issuer: string;
  store: KeyStore;
  audiences: ReadonlySet<string>;
  algorithms: ReadonlySet<string>;
  /** The tenant, for a template match. */
  tenant?: string;
}

export interface IssuerResolverOptions {
  /** Makes the key store of one issuer (`jwksUri` undefined: discovery). */
  createStore(issuer: string, jwksUri: string | undefined): KeyStore;
  maxIssuers: number;
  newIssuersPerMinute: number;
  onEvent: EventListener | undefined;
}

const MINUTE_MS = 60_000;

export class IssuerResolver {
  readonly #exact = new Map<string, IssuerMatch>();
  readonly #templates: { entry: ResolvedIssuer; shared: KeyStore | undefined }[] = [];
  /** Tenant stores by concrete issuer, least recently used first. */
  readonly #live = new Map<string, KeyStore>();
  /** Creation times of tenant stores within the last minute, oldest first. */
  readonly #created: number[] = [];
  readonly #options: IssuerResolverOptions;

  constructor(entries: readonly ResolvedIssuer[], options: IssuerResolverOptions) {
    this.#options = options;
    for (const entry of entries) {
      if (entry.kind === 'exact') {
        if (this.#exact.has(entry.issuer)) continue; // the first entry for an issuer wins
        this.#exact.set(entry.issuer, {
          issuer: entry.issuer,
          store: options.createStore(entry.issuer, entry.jwksUri),
          audiences: entry.audiences,
          algorithms: entry.algorithms,
        });
      } else {
        const perTenant = entry.jwksUri === undefined || entry.jwksUri.includes(TENANT_PLACEHOLDER);
        const shared = perTenant ? undefined : options.createStore(entry.issuer, entry.jwksUri);
        this.#templates.push({ entry, shared });
      }
    }
  }

  /** The issuers every exact entry names (for diagnostics). */
  get exactIssuers(): readonly string[] {
    return [...this.#exact.keys()];
  }

  /**
   * The match for `iss`, or throws `invalid_token`/`issuer_mismatch` (no entry allows it, or
   * its tenant claim disagrees) or `temporarily_unavailable` (too many new tenants just now).
   */
  resolve(iss: string, claims: JwtClaims): IssuerMatch {
    const exact = this.#exact.get(iss);
    if (exact !== undefined) return exact;
    for (const { entry, shared } of this.#templates) {
      const tenant = tenantOf(iss, entry.parts!);
      if (tenant === undefined || !entry.accepts!(tenant)) continue;
      if (entry.tenantClaim !== undefined && claims[entry.tenantClaim] !== tenant) {
        throw invalidToken(
          'issuer_mismatch',
          `the token "${entry.tenantClaim}" does not match the tenant of its issuer`,
        );
      }
      return {
        issuer: iss,
        store: shared ?? this.#tenantStore(iss, entry, tenant),
        audiences: entry.audiences,
        algorithms: entry.algorithms,
        tenant,
      };
    }
    const configured = this.#configured();
    this.#hint(iss, configured);
    throw issuerMismatch(iss, configured);
  }

  /** Every key store in use now: exact issuers', shared template stores and live tenant stores. */
  stores(): KeyStore[] {
    return [
      ...[...this.#exact.values()].map((match) => match.store),
      ...this.#templates.flatMap(({ shared }) => (shared === undefined ? [] : [shared])),
      ...this.#live.values(),
    ];
  }

  #configured(): string[] {
    return [...this.#exact.keys(), ...this.#templates.map((t) => t.entry.issuer)];
  }

  #tenantStore(iss: string, entry: ResolvedIssuer, tenant: string): KeyStore {
    const live = this.#live.get(iss);
    if (live !== undefined) {
      this.#live.delete(iss);
      this.#live.set(iss, live);
      return live;
    }
    const now = Date.now();
    while (this.#created.length > 0 && now - this.#created[0]! >= MINUTE_MS) this.#created.shift();
    if (this.#created.length >= this.#options.newIssuersPerMinute) {
      const retryAfter = Math.max(1, Math.ceil((this.#created[0]! + MINUTE_MS - now) / 1000));
      throw new GatehouseError(
        'temporarily_unavailable',
        'keys_unavailable',
        'the signing keys of the token issuer cannot be retrieved at the moment',
        { retryAfter },
      );
    }
    this.#created.push(now);
    const jwksUri = entry.jwksUri === undefined ? undefined : forTenant(entry.jwksUri, tenant);
    const store = this.#options.createStore(iss, jwksUri);
    if (this.#live.size >= this.#options.maxIssuers) {
      this.#live.delete(this.#live.keys().next().value as string);
    }
    this.#live.set(iss, store);
    return store;
  }

  /** Tells the operator (never the client) which configured issuer `iss` nearly was. */
  #hint(iss: string, configured: readonly string[]): void {
    if (this.#options.onEvent === undefined) return;
    const miss = nearMiss(iss, configured);
    if (miss !== undefined) emit(this.#options.onEvent, { type: 'issuer_near_miss', ...miss });
  }
}
