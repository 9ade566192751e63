import { z } from 'zod';
import type { MeterProviderLike } from './telemetry.js';

type LogMethod = (first: unknown, ...rest: unknown[]) => unknown;

/**
 * A logger: pino (or bunyan, Fastify's `app.log`: anything with a `child` method) is called
 * pino-style, `logger.warn(fields, message)`; anything else, such as `console`, console-style,
 * `logger.warn(message, fields)`. Missing level methods are skipped.
 */
export interface Logger {
  error?: LogMethod;
  warn?: LogMethod;
  info?: LogMethod;
  debug?: LogMethod;
  child?: (...args: never[]) => unknown;
}

/** The `logger` option: an object with at least one level method (pino, console, …). */
export const loggerSchema = z.custom<Logger>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    ['error', 'warn', 'info', 'debug'].some(
      (level) => typeof (value as Record<string, unknown>)[level] === 'function',
    ),
  { message: 'must be a logger such as pino or console (with warn, error, info or debug)' },
);

/** The `telemetry` option: on/off, or `{ meterProvider }` (one message for every wrong shape). */
export const telemetrySchema = z.custom<boolean | { meterProvider?: MeterProviderLike }>(
  (value) => {
    if (typeof value === 'boolean') return true;
    if (typeof value !== 'object' || value === null) return false;
    const { meterProvider, ...rest } = value as { meterProvider?: { getMeter?: unknown } };
    return (
      Object.keys(rest).length === 0 &&
      (meterProvider === undefined || typeof meterProvider?.getMeter === 'function')
    );
  },
  { message: 'must be true, false or { meterProvider } with an OpenTelemetry MeterProvider' },
);
