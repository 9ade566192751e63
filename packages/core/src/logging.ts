/**
 * Operator-facing log lines (the `logger` option), built from the same events as `onEvent`: each
 * misconfiguration or outage is one line naming the cause and the fix, logged once per cause and
 * then at most once a minute with a count of what was left out. Per-request refusals are `debug`.
 *
 * Does not: log a token, a claim set or an unbounded value from a token (an `iss` that is not
 * trusted is shown bounded and with control characters replaced); let a throwing logger change a
 * verification's outcome; grow without bound when tokens carry ever new `iss` values.
 */
import { configWarnings, describe, type Line } from './log-lines.js';
import type { Logger } from './observability-options.js';
import type { ResolvedOptions } from './options.js';
import type { EventListener, GatehouseEvent } from './types.js';

// Declared beside its option schema (no options <-> logging cycle); named here too, where the
// logging is.
export type { Logger } from './observability-options.js';

/** A repeated cause is logged again after this long, with the number of lines left out. */
export const LOG_REPEAT_MS = 60_000;
/** Causes remembered per logger; the least recently logged is forgotten first. */
const MAX_CAUSES = 256;
/** New causes logged per interval: a stream of tokens with random `iss` cannot flood the log. */
const MAX_NEW_CAUSES = 20;

/** Once per cause, then once per `LOG_REPEAT_MS`; bounded in memory and in new causes. */
class Throttle {
  readonly #causes = new Map<string, { at: number; left: number }>();
  #windowStart = Number.NEGATIVE_INFINITY;
  #newInWindow = 0;

  /** The lines left out since this cause was last logged, or `undefined`: leave this one out. */
  admit(cause: string, now: number): number | undefined {
    const seen = this.#causes.get(cause);
    if (seen !== undefined) {
      if (now - seen.at < LOG_REPEAT_MS) {
        seen.left += 1;
        return undefined;
      }
      this.#causes.delete(cause);
      this.#causes.set(cause, { at: now, left: 0 });
      return seen.left;
    }
    if (now - this.#windowStart >= LOG_REPEAT_MS) {
      this.#windowStart = now;
      this.#newInWindow = 0;
    }
    if (this.#newInWindow >= MAX_NEW_CAUSES) return undefined;
    this.#newInWindow += 1;
    if (this.#causes.size >= MAX_CAUSES) {
      this.#causes.delete(this.#causes.keys().next().value as string);
    }
    this.#causes.set(cause, { at: now, left: 0 });
    return 0;
  }

  /** Forgets causes starting with `prefix`, so the next outage is logged at once. */
  forget(prefix: string): void {
    for (const cause of this.#causes.keys())
      if (cause.startsWith(prefix)) this.#causes.delete(cause);
  }
}

interface LoggerState {
  throttle: Throttle;
  /** Shared key stores hand one event object to every verifier's listener: log it once. */
  lastEvent: GatehouseEvent | undefined;
}

// Per logger, so verifiers sharing a logger (and a key store) share the throttle.
const states = new WeakMap<Logger, LoggerState>();

function stateOf(logger: Logger): LoggerState {
  let state = states.get(logger);
  if (state === undefined) {
    state = { throttle: new Throttle(), lastEvent: undefined };
    states.set(logger, state);
  }
  return state;
}

/** The `onEvent` listener behind the `logger` option. */
export function createLogListener(logger: Logger, config: ResolvedOptions): EventListener {
  const state = stateOf(logger);
  return (event) => {
    if (event === state.lastEvent) return;
    state.lastEvent = event;
    if (event.type === 'keys_refreshed' && event.afterFailures !== undefined) {
      state.throttle.forget(`keys ${event.issuer} `);
    }
    for (const line of describe(event, config)) write(logger, line, state.throttle);
  };
}

/** Logs, once per cause, options that work but are probably not what was meant. */
export function logConfigWarnings(logger: Logger, config: ResolvedOptions): void {
  const throttle = stateOf(logger).throttle;
  for (const line of configWarnings(config)) write(logger, line, throttle);
}

function write(logger: Logger, line: Line, throttle: Throttle): void {
  const method = logger[line.level];
  if (typeof method !== 'function') return;
  let { message, fields } = line;
  if (line.cause !== undefined) {
    const left = throttle.admit(line.cause, Date.now());
    if (left === undefined) return;
    if (left > 0) {
      message += ` (${left} more since the last such message)`;
      fields = { ...fields, repeated: left };
    }
  }
  try {
    if (typeof logger.child === 'function') method.call(logger, fields, message);
    else method.call(logger, message, fields);
  } catch {
    // A broken logger must not turn into a refused request.
  }
}
