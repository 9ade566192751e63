import type { EventListener, GatehouseEvent } from '../types.js';

/** Calls a user's `onEvent` listener; a listener that throws must not change a verification's outcome. */
export function emit(listener: EventListener | undefined, event: GatehouseEvent): void {
  if (listener === undefined) return;
  try {
    listener(event);
  } catch {
    // The listener's failure is the listener's business; verification goes on.
  }
}
