import type { AddressInfo } from 'node:net';
import type { AuthContext } from '@gatehouse/core';
import * as nestAdapter from '@gatehouse/nestjs';
import {
  type ArgumentsHost,
  type CanActivate,
  Controller,
  Get,
  HttpException,
  UseGuards,
} from '@nestjs/common';
import { BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  appError,
  describeAuth,
  type GuardFactories,
  guardOf,
  type RunningApp,
} from './app-shared.js';
import { type Fixture, ROUTES } from './fixture.js';

// NestJS on its Express and Fastify platforms, built with @nestjs/testing. Decorators are called
// as functions (this folder is compiled without `experimentalDecorators`); they are the same
// decorators an app writes as `@Controller()`, `@Get()`, `@Scopes()`, `@Roles()` and `@Auth()`.

interface RouteSpec {
  path: string;
  decorator?: MethodDecorator;
}

/**
 * The guard rows through the package's decorators, as a Nest app writes them (`@Scopes`,
 * `@AnyScope`, `@Claims`, `@Roles`, `@AnyRole`); step-up has no decorator: `@UseGuards`.
 */
const NEST_DECORATORS: GuardFactories<MethodDecorator> = {
  requireScopes: nestAdapter.Scopes,
  requireAnyScope: nestAdapter.AnyScope,
  requireClaims: nestAdapter.Claims,
  requireRoles: nestAdapter.Roles,
  requireAnyRole: nestAdapter.AnyRole,
  requireAuthentication: (requirements) =>
    UseGuards(nestAdapter.requireAuthentication(requirements)),
};

/** A controller at `prefix` whose routes answer `describeAuth(@Auth() auth)`. */
function controller(prefix: string, routes: RouteSpec[], classGuards: CanActivate[] = []) {
  const Routes = class {};
  Object.defineProperty(Routes, 'name', { value: `Routes_${prefix.replace(/\W/g, '_')}` });
  routes.forEach(({ path, decorator }, i) => {
    const method = `route${i}`;
    Object.defineProperty(Routes.prototype, method, {
      value: (auth: AuthContext | undefined) => describeAuth(auth),
      writable: true,
      configurable: true,
    });
    const descriptor = Object.getOwnPropertyDescriptor(Routes.prototype, method)!;
    Get(path)(Routes.prototype, method, descriptor);
    decorator?.(Routes.prototype, method, descriptor);
    nestAdapter.Auth()(Routes.prototype, method, 0);
  });
  if (classGuards.length) UseGuards(...classGuards)(Routes);
  Controller(prefix)(Routes);
  return Routes;
}

/** The app's own error handler: HttpExceptions (Gatehouse's answers) as Nest writes them. */
class AppFilter extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost) {
    if (exception instanceof HttpException) return super.catch(exception, host);
    const { status, body } = appError(exception);
    this.applicationRef!.reply(host.switchToHttp().getResponse(), body, status);
  }
}

async function startNest(platform: 'express' | 'fastify', fixture: Fixture): Promise<RunningApp> {
  const controllers = [
    controller('public', [{ path: '' }]),
    controller('unguarded', [{ path: 'scoped', decorator: guardOf('scoped', NEST_DECORATORS) }]),
    ...Object.entries(fixture.options).map(([variant, options]) =>
      controller(
        variant,
        ROUTES.map((route) => ({ path: route, decorator: guardOf(route, NEST_DECORATORS) })),
        [nestAdapter.requireAuth(options as never)],
      ),
    ),
  ];
  const moduleRef = await Test.createTestingModule({ controllers }).compile();
  const app = moduleRef.createNestApplication(
    platform === 'express' ? new ExpressAdapter() : new FastifyAdapter(),
    { logger: false },
  );
  app.useGlobalFilters(new AppFilter(app.get(HttpAdapterHost).httpAdapter));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

/** The NestJS platforms the behaviour table runs against. */
export const NEST_FRAMEWORKS: { name: string; start(fixture: Fixture): Promise<RunningApp> }[] = [
  { name: 'NestJS 12 (Express platform)', start: (fixture) => startNest('express', fixture) },
  { name: 'NestJS 12 (Fastify platform)', start: (fixture) => startNest('fastify', fixture) },
];
