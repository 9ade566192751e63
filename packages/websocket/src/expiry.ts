import type { AuthContext } from '@gatehouse/core';

// setTimeout fires at once for delays above 2^31 − 1 ms (~24.8 days); longer waits are chained.
const MAX_DELAY_MS = 2 ** 31 - 1;

/** WebSocket close code `closeOnExpiry` suggests: 1008 Policy Violation (RFC 6455 §7.4.1). */
export const TOKEN_EXPIRED_CLOSE_CODE = 1008;

/**
 * Calls `close` once, when the token of `auth` expires (`exp`), so that a long-lived connection
 * does not outlive the token it was opened with: e.g.
 * `closeOnExpiry(auth, () => ws.close(TOKEN_EXPIRED_CLOSE_CODE, 'token expired'))`, or
 * `() => socket.disconnect(true)` for socket.io. Clients reconnect with a fresh token.
 * Returns a function that cancels the timer: call it when the connection closes first.
 *
 * An already expired token calls `close` on the next turn of the event loop. The timer is
 * `unref`'d: it never keeps a process alive on its own.
 *
 * Does not: look at rules other than `exp` (`maxTokenAge`, revocation); re-verify the token; add
 * the verifier's clock tolerance (a connection closes at `exp` exactly).
 */
export function closeOnExpiry(auth: Pick<AuthContext, 'claims'>, close: () => void): () => void {
  const exp = auth.claims.exp;
  // The verifier requires a numeric `exp`; a context built elsewhere without one never expires.
  if (typeof exp !== 'number') return () => {};
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const remaining = exp * 1000 - Date.now();
    timer = setTimeout(
      remaining > MAX_DELAY_MS ? arm : close,
      Math.min(Math.max(remaining, 0), MAX_DELAY_MS),
    );
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
