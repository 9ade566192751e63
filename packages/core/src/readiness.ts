/**
 * Readiness of a verifier (`verifier.ready()`, `verifier.health()`): are the keys of every
 * configured issuer at hand, and if not, which URL failed and why.
 *
 * Does not: fetch anything for issuers whose keys are fresh; retry inside a key store's backoff
 * window (a readiness probe polling a down issuer costs no request to it).
 */
import { FetchFailure } from './internal/fetch-json.js';
import type { KeyStore, KeyStoreHealth } from './key-store.js';

/** One issuer whose keys could not be had: the URL that failed and a short, safe cause. */
export interface IssuerFailure {
  issuer: string;
  url?: string;
  detail: string;
}

/**
 * `verifier.ready()` rejects with this when keys of an issuer cannot be had. The message names
 * each issuer, the URL that failed and the cause (e.g. `network error (ECONNREFUSED)`).
 */
export class GatehouseReadinessError extends Error {
  override readonly name = 'GatehouseReadinessError';
  readonly failures: readonly IssuerFailure[];
  constructor(failures: readonly IssuerFailure[]) {
    super(
      `Gatehouse is not ready: ${failures
        .map(
          ({ issuer, url, detail }) =>
            `keys of issuer ${issuer} unavailable (${url === undefined ? '' : `GET ${url}: `}${detail})`,
        )
        .join('; ')}`,
    );
    this.failures = failures;
  }
}

/** What `verifier.health()` gives: `ready` when every issuer's keys are usable now. */
export interface VerifierHealth {
  ready: boolean;
  issuers: KeyStoreHealth[];
}

/** Loads the keys of every store that fetches them; rejects naming every one that failed. */
export async function loadAll(stores: Iterable<KeyStore>): Promise<void> {
  const list = [...stores];
  const outcomes = await Promise.allSettled(list.map((store) => store.ready?.()));
  const failures: IssuerFailure[] = [];
  outcomes.forEach((outcome, i) => {
    if (outcome.status === 'fulfilled') return;
    const error = outcome.reason;
    failures.push({
      issuer: list[i]!.issuer,
      ...(error instanceof FetchFailure
        ? { ...(error.url === undefined ? {} : { url: error.url }), detail: error.detail }
        : { detail: 'unexpected error' }),
    });
  });
  if (failures.length > 0) throw new GatehouseReadinessError(failures);
}

/** A snapshot of every store; configured keys (`keys`, `secret`) are always ready. */
export function healthOf(stores: Iterable<KeyStore>): VerifierHealth {
  const issuers = [...stores].map(
    (store): KeyStoreHealth =>
      store.health?.() ?? {
        issuer: store.issuer,
        ready: true,
        keyCount: 0,
        stale: false,
        failures: 0,
      },
  );
  return { ready: issuers.every((issuer) => issuer.ready), issuers };
}

/** What an adapter's middleware exposes: the verifier's `ready()` and `health()`. */
export interface Readiness {
  /** Fetches the issuers' keys now unless fresh; rejects with `GatehouseReadinessError`. */
  ready(): Promise<void>;
  /** A snapshot per issuer for a readiness endpoint. */
  health(): VerifierHealth;
}

/** `middleware` with `ready()` and `health()` of `source` attached (the adapters' one way). */
export const withReadiness = <Middleware extends object>(
  middleware: Middleware,
  source: Readiness,
): Middleware & Readiness =>
  Object.assign(middleware, { ready: () => source.ready(), health: () => source.health() });
