import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { ProjectionRunner, type ProjectionStatus } from '@trust-ledger/projections';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/decorators';
import { Metrics } from './metrics';

export interface Health {
  status: 'ok' | 'unhealthy';
  eventStore: { status: 'up'; headPosition: string | null } | { status: 'down'; error: string };
  projections: ProjectionStatus[];
}

@ApiTags('operations')
@Public()
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly runner: ProjectionRunner,
    private readonly metrics: Metrics,
  ) {}

  /** 503 when the log is unreachable or a projection has stopped on an error; lag alone is not
   * unhealthy (a fresh instance catching up is working as designed). */
  @Get('health')
  @ApiOkResponse({
    description: 'Event store reachable; every projection running, with its position and lag',
  })
  @ApiServiceUnavailableResponse({
    description: 'Event store unreachable, or a projection stopped on an error',
  })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<Health> {
    let health: Health;
    try {
      const headPosition = await this.store.headPosition();
      const projections = await this.runner.status();
      const ok = projections.every((p) => p.running && p.error === null);
      health = { status: ok ? 'ok' : 'unhealthy', eventStore: { status: 'up', headPosition }, projections };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      health = { status: 'unhealthy', eventStore: { status: 'down', error: message }, projections: [] };
    }
    void reply.status(health.status === 'ok' ? 200 : 503);
    return health;
  }

  @Get('metrics')
  @ApiOkResponse({ description: 'Prometheus text exposition' })
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('Content-Type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
