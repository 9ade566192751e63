import type { Verifier } from '@gatehouse/core';
import { createAuthHandler } from '@gatehouse/core/adapter';
import { type DynamicModule, Module } from '@nestjs/common';
import {
  GATEHOUSE_AUTH_HANDLER,
  GatehouseGuard,
  type GatehouseOptions,
  NEST_HOOKS,
} from './guard.js';

/**
 * Provides `GatehouseGuard` (and the `AuthHandler` under `GATEHOUSE_AUTH_HANDLER`) to the whole
 * application. Options are validated when the module is built: a bad one throws
 * `GatehouseConfigError` before the app starts.
 *
 * ```ts
 * @Module({
 *   imports: [GatehouseModule.forRoot({ issuer, audience })],
 *   providers: [{ provide: APP_GUARD, useClass: GatehouseGuard }],
 * })
 * ```
 */
// biome-ignore lint/complexity/noStaticOnlyClass: a Nest dynamic module is a class with `forRoot`.
export class GatehouseModule {
  static forRoot<User = unknown>(
    optionsOrVerifier: Verifier | GatehouseOptions<User>,
  ): DynamicModule {
    const handler = createAuthHandler(optionsOrVerifier, NEST_HOOKS);
    return {
      module: GatehouseModule,
      global: true,
      providers: [{ provide: GATEHOUSE_AUTH_HANDLER, useValue: handler }, GatehouseGuard],
      exports: [GATEHOUSE_AUTH_HANDLER, GatehouseGuard],
    };
  }
}
Module({})(GatehouseModule);
