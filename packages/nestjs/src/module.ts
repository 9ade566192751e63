import { GatehouseConfigError, type Readiness, type Verifier } from '@gatehouse/core';
import { createAuthHandler } from '@gatehouse/core/adapter';
import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import {
  GATEHOUSE_AUTH_HANDLER,
  GatehouseGuard,
  type GatehouseOptions,
  NEST_HOOKS,
} from './guard.js';

/** Options of `GatehouseModule.forRoot`: the guard's options plus `awaitReady`. */
export type GatehouseModuleOptions<User = unknown> = GatehouseOptions<User> & {
  /**
   * Fetch every issuer's discovery and keys while the application bootstraps
   * (`onApplicationBootstrap`), so `app.init()` / `app.listen()` rejects with
   * `GatehouseReadinessError`, naming the URL and the cause, when they cannot be had. Default
   * `false`: keys are fetched on the first request. The meaning `awaitReady` has in
   * `@gatehouse/fastify`.
   */
  awaitReady?: boolean;
};

/**
 * Provides `GatehouseGuard` (and the `AuthHandler` under `GATEHOUSE_AUTH_HANDLER`) to the whole
 * application. Options are validated when the module is built: a bad one throws
 * `GatehouseConfigError` before the app starts.
 *
 * ```ts
 * @Module({
 *   imports: [GatehouseModule.forRoot({ issuer, audience, awaitReady: true })],
 *   providers: [{ provide: APP_GUARD, useClass: GatehouseGuard }],
 * })
 * ```
 */
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with `forRoot`.
export class GatehouseModule {
  static forRoot<User = unknown>(
    optionsOrVerifier: Verifier | GatehouseModuleOptions<User>,
  ): DynamicModule {
    const { awaitReady, handlerOptions } = withoutAwaitReady(optionsOrVerifier);
    const handler = createAuthHandler(handlerOptions, NEST_HOOKS);
    const providers: Provider[] = [
      { provide: GATEHOUSE_AUTH_HANDLER, useValue: handler },
      GatehouseGuard,
    ];
    if (awaitReady) providers.push(bootstrapReadiness(handler));
    return {
      module: GatehouseModule,
      global: true,
      providers,
      exports: [GATEHOUSE_AUTH_HANDLER, GatehouseGuard],
    };
  }
}
Module({})(GatehouseModule);

/** Nest awaits every provider's `onApplicationBootstrap` in `app.init()`: a rejection stops it. */
const bootstrapReadiness = (handler: Readiness): Provider => ({
  provide: Symbol('@gatehouse/nestjs:await-ready'),
  useValue: { onApplicationBootstrap: () => handler.ready() },
});

/** `awaitReady` is the module's own option; a `Verifier` is passed on as it is. */
function withoutAwaitReady<User>(options: Verifier | GatehouseModuleOptions<User>): {
  awaitReady: boolean;
  handlerOptions: Verifier | GatehouseOptions<User>;
} {
  if (!('awaitReady' in options)) return { awaitReady: false, handlerOptions: options };
  const { awaitReady = false, ...handlerOptions } = options;
  if (typeof awaitReady === 'boolean') return { awaitReady, handlerOptions };
  throw new GatehouseConfigError([{ path: 'awaitReady', message: 'must be a boolean' }]);
}
