/**
 * The one way a verifier refuses: whatever went wrong becomes a `GatehouseError`, and the
 * `token_rejected` event is sent once per refusal.
 *
 * Does not: turn an unexpected error (a bug, a verifier of one's own that throws) into a 500 or
 * an `invalid_token`: it is an outage, 503 + Retry-After, with the error kept as `cause` for
 * server-side logs.
 */
import { GatehouseError, isGatehouseError } from './errors.js';
import { emit } from './internal/emit.js';
import { rejectionEvent } from './internal/refusal-event.js';
import type { EventListener } from './types.js';

/** `error` as the refusal it stands for: itself when it is one, else an outage. */
export function asRefusal(error: unknown): GatehouseError {
  return isGatehouseError(error)
    ? error
    : new GatehouseError(
        'temporarily_unavailable',
        'keys_unavailable',
        'the token could not be checked now',
        { cause: error },
      );
}

/** `asRefusal`, telling `onEvent` (when set) of every refusal made. */
export function refuser(onEvent: EventListener | undefined): (error: unknown) => GatehouseError {
  if (onEvent === undefined) return asRefusal;
  return (error) => {
    const refused = asRefusal(error);
    emit(onEvent, rejectionEvent(refused));
    return refused;
  };
}
