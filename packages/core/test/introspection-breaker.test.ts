import { describe, expect, it } from 'vitest';
import { toHttpResponse } from '../src/errors.js';
import type { GatehouseEvent } from '../src/types.js';
import { refusal, useIntrospectionServer } from './support/introspection.js';
import type { Answer } from './support/introspection-endpoint.js';

// The circuit breaker in front of a real local endpoint that goes down, slow or answers garbage.
const f = useIntrospectionServer();
const token = (n: number) => `opaque-token-${n}`;

const breakerVerifier = (events: GatehouseEvent[], timeout = 5) =>
  f.verifierWith(
    { breaker: { failures: 3, cooldown: 1 }, timeout, retryAfter: 2 },
    { onEvent: (event) => events.push(event) },
  );

describe('circuit breaker', () => {
  it.each<[string, () => Answer]>([
    ['answers 500', () => ({ status: 500, raw: '' })],
    ['answers garbage', () => ({ raw: '{"active":' })],
    ['answers a redirect', () => ({ status: 307, headers: { location: 'http://127.0.0.1:1/' } })],
  ])(
    'an endpoint that %s: opens after 3 failures, then 503 at once without a call',
    async (_, answer) => {
      f.as.answer = answer;
      const events: GatehouseEvent[] = [];
      const verifier = breakerVerifier(events);
      for (let n = 0; n < 3; n++) {
        const error = await refusal(verifier.verify(token(n)));
        expect(toHttpResponse(error).headers['retry-after']).toBe('2');
      }
      const fast = await refusal(verifier.verify(token(3)));
      expect(fast.code).toBe('temporarily_unavailable');
      expect(fast.reason).toBe('introspection_unavailable');
      expect(Number(toHttpResponse(fast).headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(f.as.received).toHaveLength(3);
      const failures = events.filter((event) => event.type === 'introspection_failed');
      expect(failures).toHaveLength(3);
      expect(failures[2]).toMatchObject({
        endpoint: f.as.endpoint,
        failures: 3,
        breakerOpenFor: 1,
      });
      expect(failures[0]).not.toHaveProperty('breakerOpenFor');
    },
  );

  it('a slow endpoint: once open, requests are answered well before the timeout', async () => {
    f.as.answer = () => ({ body: f.activeFor(), delayMs: 5000 });
    const verifier = breakerVerifier([], 0.5);
    for (let n = 0; n < 3; n++) await refusal(verifier.verify(token(n)));
    const started = Date.now();
    await refusal(verifier.verify(token(3)));
    // The timeout is 500 ms: a fail-fast answer takes a fraction of it even on a loaded machine.
    expect(Date.now() - started).toBeLessThan(250);
    expect(f.as.received).toHaveLength(3);
  });

  it('after the cooldown one probe goes out (others still fail fast); its success closes it', async () => {
    f.as.answer = () => ({ status: 503, raw: '' });
    const events: GatehouseEvent[] = [];
    const verifier = breakerVerifier(events);
    for (let n = 0; n < 3; n++) await refusal(verifier.verify(token(n)));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    f.as.answer = () => ({ body: f.activeFor(), delayMs: 300 });
    const probe = verifier.verify(token(10));
    const meanwhile = await refusal(verifier.verify(token(11)));
    expect(meanwhile.reason).toBe('introspection_unavailable');
    await expect(probe).resolves.toMatchObject({ subject: 'ada' });
    expect(events.at(-1)).toEqual({
      type: 'introspection_recovered',
      issuer: f.as.issuer,
      endpoint: f.as.endpoint,
      afterFailures: 3,
    });
    await expect(verifier.verify(token(12))).resolves.toMatchObject({ subject: 'ada' });
    expect(f.as.received).toHaveLength(5);
  });

  it('a failed probe opens it for another cooldown', async () => {
    f.as.answer = () => ({ status: 502, raw: '' });
    const events: GatehouseEvent[] = [];
    const verifier = breakerVerifier(events);
    for (let n = 0; n < 3; n++) await refusal(verifier.verify(token(n)));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await refusal(verifier.verify(token(10))); // the probe
    expect(f.as.received).toHaveLength(4);
    const failures = events.filter((event) => event.type === 'introspection_failed');
    expect(failures.at(-1)).toMatchObject({ failures: 4, breakerOpenFor: 1 });
    await refusal(verifier.verify(token(11)));
    expect(f.as.received).toHaveLength(4);
  });

  it('active: false is an answer, not a failure: the breaker stays closed', async () => {
    f.as.answer = () => ({ body: { active: false } });
    const verifier = breakerVerifier([]);
    for (let n = 0; n < 5; n++) {
      expect((await refusal(verifier.verify(token(n)))).reason).toBe('token_inactive');
    }
    expect(f.as.received).toHaveLength(5);
  });

  it('a success resets the count of failures in a row', async () => {
    const verifier = breakerVerifier([]);
    for (let n = 0; n < 6; n++) {
      f.as.answer =
        n % 3 === 2 ? () => ({ body: f.activeFor() }) : () => ({ status: 500, raw: '' });
      await verifier.verify(token(n)).catch(() => undefined);
    }
    expect(f.as.received).toHaveLength(6);
  });

  it('the logger gets one error line naming the endpoint, the cause and the open breaker', async () => {
    f.as.answer = () => ({ status: 500, raw: '' });
    const lines: { level: string; message: string }[] = [];
    const logger = {
      error: (message: unknown) => lines.push({ level: 'error', message: String(message) }),
      info: (message: unknown) => lines.push({ level: 'info', message: String(message) }),
    };
    const verifier = f.verifierWith({ breaker: { failures: 2, cooldown: 30 } }, { logger });
    for (let n = 0; n < 4; n++) await refusal(verifier.verify(token(n)));
    const errors = lines.filter((line) => line.level === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]?.message).toContain(`POST ${f.as.endpoint}`);
    expect(errors[0]?.message).toContain('HTTP 500');
    expect(errors.some((line) => line.message.includes('at once for 30 s'))).toBe(true);
    expect(lines.map((line) => line.message).join('\n')).not.toContain(token(0));
  });
});
