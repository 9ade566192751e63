import type { AuthContext } from '@gatehouse/core';
import { AnyRole, AnyScope, Auth, Public, Roles, Scopes } from '@gatehouse/nestjs';
import { Controller, Get } from '@nestjs/common';

export interface User {
  id: number;
  name: string;
}

// Every route needs a valid token (the app-wide GatehouseGuard) unless marked @Public().
@Controller()
export class ThingsController {
  @Public()
  @Get('health')
  health() {
    return { ok: true };
  }

  @Get('api/hello')
  hello(@Auth() auth: AuthContext<User>) {
    return { hello: auth.subject };
  }

  @Get('api/reports')
  @Scopes('reports:read')
  reports() {
    return { reports: ['q1', 'q2'] };
  }

  @Get('api/admin')
  @AnyScope('admin', 'reports:admin')
  admin() {
    return { admin: true };
  }

  // Roles come from the token's `roles` claim (the `roles` option in app.module.ts).
  @Get('api/audit')
  @AnyRole('auditor', 'admin')
  audit(@Auth() auth: AuthContext<User>) {
    return { audit: true, roles: auth.roles };
  }

  @Get('api/billing')
  @Roles('billing', 'manager')
  billing() {
    return { billing: true };
  }

  @Get('api/me')
  me(@Auth() auth: AuthContext<User>) {
    return { me: auth.user };
  }
}
