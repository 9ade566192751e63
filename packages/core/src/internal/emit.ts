import type { EventListener, GatehouseEvent } from '../types.js';

/**
 * Calls a user's `onEvent` listener. Observability never changes a verification's outcome: a
 * listener that throws, or returns a promise that rejects, is ignored (never an unhandled
 * rejection).
 */
export function emit(listener: EventListener | undefined, event: GatehouseEvent): void {
  if (listener === undefined) return;
  try {
    const result: unknown = listener(event);
    if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
      Promise.resolve(result).catch(() => {});
    }
  } catch {
    // The listener's failure is the listener's business; verification goes on.
  }
}
