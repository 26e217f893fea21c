import {
  Controller,
  Get,
  Inject,
  Logger,
  Req,
  Res,
  UnauthorizedException,
  type OnModuleInit,
} from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ModuleRef } from '@nestjs/core';
import {
  ApiOkResponse,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { IntegrityService, type CheckpointingStatus } from '@trust-ledger/integrity';
import { ProjectionRunner } from '@trust-ledger/projections';
import type { SchedulerStatus } from '../scheduler/deadline-scheduler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/decorators';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { projectionProgress, ProjectionStatusDto, type ProjectionProgress } from '../common/error-response';
import { SchedulerService } from '../scheduler/scheduler.service';
import { Metrics } from './metrics';

/*
 * What anyone is told of a failure on /health: fixed sentences, since the failures' own messages
 * may name a case's stream (another agency's record), a checkpoint's revision or the store's hosts.
 * Each is logged where it happens; `projections status` and `verify` say more.
 */
const EVENT_STORE_DOWN = "the event log cannot be read: the service's log says why";
const DEADLINES_FAILED = "the last look for deadlines passed failed: the service's log says why";
const CHECKPOINT_REFUSED =
  'no integrity checkpoint recorded: the checkpoints so far do not verify; `verify` says why';
const CHECKPOINT_FAILED = "the last integrity checkpoint failed: the service's log says why";

export interface Health {
  status: 'ok' | 'unhealthy';
  eventStore: { status: 'up' } | { status: 'down'; error: string };
  projections: ProjectionProgress[];
  /** Present when the application runs the deadline scheduler. */
  scheduler?: SchedulerStatus;
  /** Present when the application records integrity checkpoints. */
  integrity?: { error: { at: string; message: string } | null };
}

function shownScheduler({ running, lastError }: SchedulerStatus): SchedulerStatus {
  return { running, lastError: lastError === null ? null : DEADLINES_FAILED };
}

function shownCheckpointing({ error }: CheckpointingStatus): NonNullable<Health['integrity']> {
  return {
    error:
      error === null
        ? null
        : { at: error.at, message: error.refused ? CHECKPOINT_REFUSED : CHECKPOINT_FAILED },
  };
}

export class HealthDto implements Health {
  @ApiProperty({ enum: ['ok', 'unhealthy'] }) status!: Health['status'];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: '{ status: "up" } or { status: "down", error }',
  })
  eventStore!: Health['eventStore'];
  @ApiProperty({ type: [ProjectionStatusDto] }) projections!: ProjectionStatusDto[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The deadline scheduler' })
  scheduler?: Health['scheduler'];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: '{ error: { at, message } | null }: the last integrity checkpoint',
  })
  integrity?: Health['integrity'];
}

@ApiTags('operations')
@Public()
@Controller()
export class HealthController implements OnModuleInit {
  private readonly logger = new Logger('Health');
  /** Why the log could not be read at the last look; null while it can. */
  private storeDownFor: string | null = null;
  private scheduler: SchedulerService | undefined;
  private integrity: IntegrityService | undefined;

  constructor(
    private readonly runner: ProjectionRunner,
    private readonly metrics: Metrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {}

  onModuleInit(): void {
    try {
      this.scheduler = this.moduleRef.get(SchedulerService, { strict: false });
    } catch {
      this.scheduler = undefined; // this application does not run it
    }
    try {
      this.integrity = this.moduleRef.get(IntegrityService, { strict: false });
    } catch {
      this.integrity = undefined;
    }
  }

  /** 503 when the log is unreachable, a projection has stopped on an error, the scheduler is not
   * running or the last integrity checkpoint failed (e.g. refused over checkpoints that do not
   * verify); lag alone is not unhealthy (a fresh instance catching up is working as designed). */
  @Get('health')
  @ApiOkResponse({
    type: HealthDto,
    description: 'Event store reachable; every projection running, with its lag',
  })
  @ApiServiceUnavailableResponse({
    type: HealthDto,
    description:
      'Event store unreachable, a projection stopped on an error, or the last integrity checkpoint failed',
  })
  async health(@Res({ passthrough: true }) reply: FastifyReply): Promise<Health> {
    let health: Health;
    try {
      // It reads the log's head (not shown: it counts every agency's events), so it fails when the store does.
      const projections = await this.runner.status();
      const scheduler = this.scheduler?.status();
      const integrity = this.integrity?.checkpointing();
      const ok =
        projections.every((p) => p.running && p.error === null) &&
        (scheduler?.running ?? true) &&
        (integrity?.error ?? null) === null;
      this.storeDownFor = null;
      health = {
        status: ok ? 'ok' : 'unhealthy',
        eventStore: { status: 'up' },
        projections: projections.map(projectionProgress),
        ...(scheduler && { scheduler: shownScheduler(scheduler) }),
        ...(integrity && { integrity: shownCheckpointing(integrity) }),
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // Once a reason, not once a request: anyone may ask /health as often as the rate limit lets them.
      if (reason !== this.storeDownFor) this.logger.warn(`health: the event log cannot be read: ${reason}`);
      this.storeDownFor = reason;
      health = {
        status: 'unhealthy',
        eventStore: { status: 'down', error: EVENT_STORE_DOWN },
        projections: [],
      };
    }
    void reply.status(health.status === 'ok' ? 200 : 503);
    return health;
  }

  /** Anyone gets the service's health; METRICS_TOKEN adds what operators watch (see Metrics). */
  @Get('metrics')
  @ApiProduces('text/plain')
  @ApiOkResponse({
    type: String,
    description:
      "Prometheus text exposition: the read models' health; with METRICS_TOKEN as bearer token also the requests by route, the events applied, the exact lag and the process's own metrics",
  })
  @ApiUnauthorizedResponse({ description: 'A bearer token was sent that is not METRICS_TOKEN' })
  async scrape(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const { authorization } = request.headers;
    if (authorization !== undefined && !this.isMetricsToken(authorization)) {
      throw new UnauthorizedException('The bearer token /metrics takes is METRICS_TOKEN');
    }
    const registry = authorization === undefined ? this.metrics.health : this.metrics.operations;
    void reply.header('Content-Type', registry.contentType);
    return registry.metrics();
  }

  /** Compared in constant time, as a secret is (their digests: the two may differ in length). */
  private isMetricsToken(authorization: string): boolean {
    const { metricsToken } = this.config;
    const [scheme, token] = authorization.split(' ');
    if (metricsToken === undefined || scheme?.toLowerCase() !== 'bearer' || token === undefined) return false;
    const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
    return timingSafeEqual(digest(token), digest(metricsToken));
  }
}
