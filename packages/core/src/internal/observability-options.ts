import { z } from 'zod';
import type { Logger } from '../logging.js';
import type { MeterProviderLike } from '../telemetry.js';

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

/** The `telemetry` option: on/off, or the meter provider to use. */
export const telemetrySchema = z.union([
  z.boolean(),
  z.strictObject({
    meterProvider: z
      .custom<MeterProviderLike>(
        (value) => typeof (value as { getMeter?: unknown } | null)?.getMeter === 'function',
        { message: 'must be an OpenTelemetry MeterProvider' },
      )
      .optional(),
  }),
]);
