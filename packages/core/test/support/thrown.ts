import { expect } from 'vitest';
import { GatehouseError } from '../../src/errors.js';

/** The GatehouseError `run` throws (fails the test if it returns or throws anything else). */
export function thrown(run: () => unknown): GatehouseError {
  let error: unknown;
  try {
    run();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(GatehouseError);
  return error as GatehouseError;
}
