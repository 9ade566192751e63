// NestJS consumer of the packed @gatehouse/nestjs (see .ci/pack-check), compiled with the
// decorator settings Nest apps use: the app-wide guard, @Public, @Scopes, @Roles and @Auth.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import type { AuthContext } from '@gatehouse/core';
import { Auth, GatehouseGuard, GatehouseModule, Public, Roles, Scopes } from '@gatehouse/nestjs';
import { createTestIssuer } from '@gatehouse/testing';
import { Controller, Get, Module } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';

@Controller()
class ThingsController {
  @Public()
  @Get('health')
  health() {
    return { ok: true };
  }

  @Get('me')
  @Scopes('reports:read')
  me(@Auth() auth: AuthContext) {
    return { sub: auth.subject };
  }

  @Get('billing')
  @Roles('billing')
  billing() {
    return { billing: true };
  }
}

const issuer = await createTestIssuer();

@Module({
  imports: [
    GatehouseModule.forRoot({
      issuer: issuer.url,
      audience: issuer.audience,
      roles: 'roles',
      awaitReady: true,
    }),
  ],
  controllers: [ThingsController],
  providers: [{ provide: APP_GUARD, useClass: GatehouseGuard }],
})
class AppModule {}

const app = await NestFactory.create(AppModule, { logger: false });
await app.listen(0, '127.0.0.1');
const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
try {
  const token = await issuer.mint({ sub: 'alice', scope: 'reports:read', roles: ['auditor'] });
  const bearer = { authorization: `Bearer ${token}` };
  assert.equal((await fetch(`${url}/health`)).status, 200);
  const ok = await fetch(`${url}/me`, { headers: bearer });
  assert.equal(ok.status, 200);
  assert.deepEqual(await ok.json(), { sub: 'alice' });
  const anonymous = await fetch(`${url}/me`);
  assert.equal(anonymous.status, 401);
  assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
  const noRole = await fetch(`${url}/billing`, { headers: bearer });
  assert.equal(noRole.status, 403);
  assert.match(noRole.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
  const noScope = await fetch(`${url}/me`, {
    headers: { authorization: `Bearer ${await issuer.mint({ sub: 'bob' })}` },
  });
  assert.equal(noScope.status, 403);
  assert.match(noScope.headers.get('www-authenticate') ?? '', /scope="reports:read"/);
} finally {
  await app.close();
  await issuer.close();
}
console.log(
  'NestJS consumer: the app-wide guard, @Public, @Scopes, @Roles and @Auth verified a token from @gatehouse/testing',
);
