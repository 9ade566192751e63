/**
 * Who hears a verifier: the user's `onEvent`, the `logger` and the `telemetry`, behind one
 * listener, and the verifier's functions wrapped for telemetry only when it is on.
 *
 * Does not: add a listener, a wrapper or a branch when none of them is configured.
 */
import type { IdTokenOptions } from './id-token.js';
import { emit } from './internal/emit.js';
import { createLogListener, logConfigWarnings } from './logging.js';
import type { ResolvedOptions } from './options.js';
import { Telemetry } from './telemetry.js';
import type { AuthContext, EventListener } from './types.js';
import type { Authorization, DpopRequestSource, Verifier } from './verifier.js';

export interface Observers {
  /** Every listener in one; `undefined` when nobody listens. */
  onEvent: EventListener | undefined;
  telemetry: Telemetry | undefined;
}

/** Builds the listeners of `config`; logs its configuration warnings now. */
export function createObservers(config: ResolvedOptions): Observers {
  const listeners: EventListener[] = [];
  if (config.onEvent !== undefined) listeners.push(config.onEvent);
  if (config.logger !== undefined) {
    logConfigWarnings(config.logger, config);
    listeners.push(createLogListener(config.logger, config));
  }
  const telemetry = config.telemetry === undefined ? undefined : new Telemetry(config.telemetry);
  if (telemetry !== undefined) listeners.push(telemetry.listener);
  const onEvent =
    listeners.length <= 1
      ? listeners[0]
      : (event: Parameters<EventListener>[0]) => {
          for (const listener of listeners) emit(listener, event);
        };
  return { onEvent, telemetry };
}

type Now<Input> = (input: Input) => AuthContext | Promise<AuthContext>;

/**
 * `verifier` with its entry points measured by `telemetry` (attach the verifier users get with
 * `telemetry.attach`); the verifier itself, untouched, without telemetry. `verifyNow` is `verify` answering a cache hit
 * without a promise; `cached`: whether the verifier has a token cache (a promise is then a miss).
 */
export function withTelemetry(
  verifier: Verifier & Required<Pick<Verifier, 'authenticateNow'>>,
  telemetry: Telemetry | undefined,
  verifyNow: Now<string>,
  cached: boolean,
): Verifier {
  if (telemetry === undefined) return verifier;
  const measuredVerify = telemetry.observe(verifyNow, cached);
  // One input for `observe`: the header and, for DPoP, what the proof is checked against.
  const measuredAuthenticate = telemetry.observe(
    ([authorization, request]: [Authorization, DpopRequestSource | undefined]) =>
      verifier.authenticateNow(authorization, request),
    cached,
  );
  const measuredIdToken = telemetry.observe(
    ([token, options]: [string, IdTokenOptions]) => verifier.verifyIdToken(token, options),
    false,
  );
  return {
    ...verifier,
    verify: (token: string) => Promise.resolve(measuredVerify(token)),
    authenticate: (authorization: Authorization, request?: DpopRequestSource) =>
      Promise.resolve(measuredAuthenticate([authorization, request])),
    authenticateNow: (authorization: Authorization, request?: DpopRequestSource) =>
      measuredAuthenticate([authorization, request]),
    verifyIdToken: (token: string, options: IdTokenOptions) =>
      Promise.resolve(measuredIdToken([token, options])),
  };
}
