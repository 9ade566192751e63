/**
 * The circuit breaker in front of one introspection endpoint: when it keeps failing, requests
 * are answered 503 at once instead of each waiting for its own timeout.
 *
 * Closed: every call goes out; `threshold` failures in a row open it. Open: no call goes out
 * until `cooldownMs` has passed. Half-open: one probe call goes out, the others still fail fast;
 * the probe's success closes the breaker, its failure opens it for another cooldown.
 *
 * Does not: count refusals (`active: false` is an answer, not a failure); keep any state per
 * token; let more than one probe out at a time.
 */

export interface Breaker {
  /**
   * `undefined` when a call may go out now (closed, or this is the half-open probe), else the
   * seconds until the next probe (at least 1: a `Retry-After` value).
   */
  refuse(nowMs: number): number | undefined;
  /** A call succeeded; returns the failures in a row it ends (0: none). */
  succeeded(): number;
  /** A call failed; returns the failures in a row and whether this one opened the breaker. */
  failed(nowMs: number): { failures: number; opened: boolean };
}

export function createBreaker(threshold: number, cooldownMs: number): Breaker {
  let failures = 0;
  let openUntil = 0;
  let probing = false;
  return {
    refuse(nowMs) {
      if (failures < threshold) return undefined;
      if (nowMs >= openUntil && !probing) {
        probing = true;
        return undefined;
      }
      return Math.max(1, Math.ceil((Math.max(openUntil, nowMs + 1000) - nowMs) / 1000));
    },
    succeeded() {
      const ended = failures;
      failures = 0;
      probing = false;
      return ended;
    },
    failed(nowMs) {
      failures += 1;
      const opened = failures >= threshold && (failures === threshold || probing);
      if (opened) openUntil = nowMs + cooldownMs;
      probing = false;
      return { failures, opened };
    },
  };
}
