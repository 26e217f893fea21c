import { Injectable, Optional, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { IntegrityService } from '@trust-ledger/integrity';
import { ProjectionRunner, type ProjectionStatus } from '@trust-ledger/projections';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { shownLag } from '../common/error-response';

/**
 * Prometheus metrics of this process, in registries of its own (several apps may share a test
 * process). /metrics needs no token (API.md), so what anyone may scrape (`health`) says whether the
 * service and its read models are well, not what is recorded: the counts of requests by route and
 * of events applied, an exact lag and even the process's CPU time would tell anyone, as they
 * happen and unsuppressed, how many detainers, notices or erasures were recorded. Those are in
 * `operations`, for the scraper that sends METRICS_TOKEN.
 */
@Injectable()
export class Metrics implements OnModuleInit {
  readonly health = new Registry();
  readonly operations = new Registry();
  private readonly httpDuration: Histogram<'method' | 'route' | 'status_code'>;

  constructor(
    runner: ProjectionRunner,
    private readonly adapterHost: HttpAdapterHost,
    @Optional() integrity?: IntegrityService,
  ) {
    collectDefaultMetrics({ register: this.operations });
    // Each gauge asks the runner when scraped, so what is exported is never stale.
    const projectionGauge = (
      registry: Registry,
      name: string,
      help: string,
      value: (s: ProjectionStatus) => number | null,
    ): void => {
      new Gauge({
        name,
        help,
        labelNames: ['projection'],
        registers: [registry],
        collect: async function (this: Gauge<'projection'>) {
          this.reset();
          for (const status of await runner.status()) {
            const v = value(status);
            if (v !== null) this.set({ projection: status.name }, v);
          }
        },
      });
    };
    for (const registry of [this.health, this.operations]) {
      const exact = registry === this.operations;
      projectionGauge(
        registry,
        'trust_ledger_projection_lag_events',
        exact
          ? 'Events in the log the projection has not reached'
          : 'Events in the log the projection has not reached: 0, else rounded up to a power of ten, at least 100',
        (s) => (exact ? s.lag : shownLag(s.lag)),
      );
      projectionGauge(
        registry,
        'trust_ledger_projection_behind',
        '1 while the projection has not reached the head',
        (s) => Number(s.behind),
      );
      projectionGauge(
        registry,
        'trust_ledger_projection_failed',
        '1 while the projection is stopped on an error',
        (s) => Number(s.error !== null),
      );
      projectionGauge(
        registry,
        'trust_ledger_unapplied_reviews',
        "Counsel's reviews the violation register could not apply to a violation it holds",
        (s) => (typeof s.details?.unappliedReviews === 'number' ? s.details.unappliedReviews : null),
      );
      if (integrity !== undefined) {
        new Gauge({
          name: 'trust_ledger_integrity_checkpoint_failed',
          help: '1 while the last attempt to record an integrity checkpoint failed or was refused',
          registers: [registry],
          collect: function (this: Gauge) {
            this.set(Number(integrity.checkpointing().error !== null));
          },
        });
      }
    }

    const applied = new Counter({
      name: 'trust_ledger_projection_events_applied_total',
      help: 'Events applied to the projection since the process started',
      labelNames: ['projection'],
      registers: [this.operations],
    });
    runner.onProgress((progress) => {
      if (progress !== null) applied.inc({ projection: progress.projection }, progress.applied);
    });

    this.httpDuration = new Histogram({
      name: 'trust_ledger_http_request_duration_seconds',
      help: 'HTTP requests by route template and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.operations],
    });
  }

  /** Fastify's own hook sees every response, including those guards and filters produce. */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onResponse', (request, reply, done) => {
      this.httpDuration.observe(
        {
          method: request.method,
          // The template, never the raw URL, so that ids do not explode the label set.
          route: request.routeOptions.url ?? 'unmatched',
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
