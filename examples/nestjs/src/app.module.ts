import { GatehouseGuard, GatehouseModule } from '@gatehouse/nestjs';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThingsController, type User } from './things.controller.js';

const users = new Map<string, User>([['user-123', { id: 1, name: 'Ada Lovelace' }]]);

@Module({})
export class AppModule {}

/**
 * The app for one authorization server. One line protects every route: GatehouseGuard as
 * APP_GUARD, with the options given to GatehouseModule.forRoot.
 */
export function appModule(options: { issuer: string; audience: string }): DynamicModule {
  return {
    module: AppModule,
    imports: [
      GatehouseModule.forRoot<User>({
        ...options,
        resolveUser: (auth) => users.get(auth.subject ?? '') ?? null,
      }),
    ],
    controllers: [ThingsController],
    providers: [{ provide: APP_GUARD, useClass: GatehouseGuard }],
  };
}
