import { GatehouseGuard, GatehouseModule } from '@gatehouse/nestjs';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ReadinessController } from './readiness.controller.js';
import { ThingsController, type User } from './things.controller.js';

const users = new Map<string, User>([['user-123', { id: 1, name: 'Ada Lovelace' }]]);

@Module({})
export class AppModule {}

/**
 * The app for one authorization server. One line protects every route: GatehouseGuard as
 * APP_GUARD, with the options given to GatehouseModule.forRoot. `awaitReady`: the app does not
 * start (app.listen rejects, naming the URL) while the issuer's keys cannot be had.
 */
export function appModule(options: { issuer: string; audience: string }): DynamicModule {
  return {
    module: AppModule,
    imports: [
      GatehouseModule.forRoot<User>({
        ...options,
        roles: 'roles',
        awaitReady: true,
        resolveUser: (auth) => users.get(auth.subject ?? '') ?? null,
      }),
    ],
    controllers: [ThingsController, ReadinessController],
    providers: [{ provide: APP_GUARD, useClass: GatehouseGuard }],
  };
}
