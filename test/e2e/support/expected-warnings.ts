/**
 * oidc-provider prints notices meant for its deployers with `console.warn`: an "unsupported
 * runtime" notice below Node 22 LTS and a "development-only in-memory adapter" notice, which
 * this in-process test issuer uses on purpose. Those are kept here (and asserted by the tests)
 * instead of printed, so the test output carries no warning a reader must learn to ignore;
 * any other warning is still printed.
 */
export const EXPECTED_PROVIDER_WARNINGS = {
  runtime: /^oidc-provider WARNING: Unsupported runtime\./,
  memoryAdapter: /^oidc-provider WARNING: a quick start development-only in-memory adapter/,
};

const captured: string[] = [];

/** The expected warnings captured so far in this test file. */
export const capturedWarnings = (): readonly string[] => captured;

/** Runs `fn` with `console.warn` capturing the expected warnings; others pass through. */
export async function capturingExpectedWarnings<T>(fn: () => T | Promise<T>): Promise<T> {
  const original = console.warn;
  console.warn = (...args: unknown[]) => {
    const text = args.map(String).join(' ');
    if (Object.values(EXPECTED_PROVIDER_WARNINGS).some((pattern) => pattern.test(text))) {
      captured.push(text);
    } else {
      original(...args);
    }
  };
  try {
    return await fn();
  } finally {
    console.warn = original;
  }
}
