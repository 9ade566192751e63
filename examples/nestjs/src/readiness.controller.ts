import { GatehouseGuard, Public } from '@gatehouse/nestjs';
import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';

// Readiness for a load balancer or Kubernetes: 200 with the snapshot when every issuer's keys
// are at hand, else 503. `GatehouseModule` provides the guard; `@Inject` names it, so the app
// needs no emitted decorator metadata for this constructor.
@Controller()
export class ReadinessController {
  constructor(@Inject(GatehouseGuard) private readonly gatehouse: GatehouseGuard) {}

  @Public()
  @Get('ready')
  ready() {
    const health = this.gatehouse.health();
    if (!health.ready) throw new ServiceUnavailableException(health);
    return health;
  }
}
