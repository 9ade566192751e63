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
import type { AuthContext, Authorization, EventListener } from './types.js';

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

/** The verifier's entry points, measured by `telemetry`. */
export function observeVerifier(
  telemetry: Telemetry,
  plain: {
    verifyNow: Now<string>;
    authenticateNow: Now<Authorization>;
    verifyIdToken: (token: string, options: IdTokenOptions) => Promise<AuthContext>;
    cached: boolean;
  },
) {
  const verifyNow = telemetry.observe(plain.verifyNow, plain.cached);
  const authenticateNow = telemetry.observe(plain.authenticateNow, plain.cached);
  const verifyIdToken = telemetry.observe(
    ([token, options]: [string, IdTokenOptions]) => plain.verifyIdToken(token, options),
    false,
  );
  return {
    verify: (token: string) => Promise.resolve(verifyNow(token)),
    authenticate: (authorization: Authorization) => Promise.resolve(authenticateNow(authorization)),
    authenticateNow,
    verifyIdToken: (token: string, options: IdTokenOptions) =>
      Promise.resolve(verifyIdToken([token, options])),
  };
}
