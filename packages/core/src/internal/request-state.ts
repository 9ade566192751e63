import type { ChallengeOptions } from '../errors.js';

/** How the auth handler that saw a request wants its refusals answered. */
export interface RequestSettings {
  challenge: ChallengeOptions;
  errors: 'respond' | 'delegate';
}

// Keyed by the framework's request object (Express req, Koa ctx, Fastify request), so the
// entry goes away with the request and nothing is written onto objects we do not own.
const seen = new WeakMap<object, RequestSettings>();

export const rememberRequest = (request: object, settings: RequestSettings): void => {
  seen.set(request, settings);
};

/**
 * Drops what an earlier handler remembered for `request`, so it is answered with the default
 * settings. Nearly free for a request nobody remembered: a fresh object has no identity hash,
 * so the lookup ends at once, where `set` costs one (and an ephemeron entry for the GC).
 */
export const forgetRequest = (request: object): void => {
  seen.delete(request);
};

export const settingsOf = (request: object | undefined): RequestSettings | undefined =>
  request === undefined ? undefined : seen.get(request);

let warned = false;

/** Once per process: a guard ran on a request that no auth handler had seen. */
export function warnGuardWithoutAuth(guard: string): void {
  if (warned) return;
  warned = true;
  process.emitWarning(
    `${guard} ran before requireAuth() (or outside the gatehouse plugin's context): the request ` +
      'was refused with 401. Put requireAuth() (Fastify: register gatehouse) in front of the guard.',
    { code: 'GATEHOUSE_GUARD_WITHOUT_AUTH' },
  );
}
