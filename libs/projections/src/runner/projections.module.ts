import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type InjectionToken,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import type { Projection, ReadModelDb } from './projection';
import { ProjectionRunner } from './projection-runner';
import { openReadModelDb, readModelsPath } from './read-model-db';

/** Injection token of the read-model database (better-sqlite3), for query handlers. */
export const READ_MODEL_DB = Symbol('READ_MODEL_DB');

/**
 * Marks a provider class as a projection for the runner. Put the class in any module's providers:
 *
 *   @Injectable() @ProjectionProvider()
 *   export class ViolationRegisterProjection implements Projection { ... }
 */
export const ProjectionProvider = DiscoveryService.createDecorator<void>();

export interface ProjectionsModuleOptions {
  /** The read-model database lives at DATA_DIR/read-models.db. */
  dataDir: string;
  batchSize?: number;
  /** Follow the log from application bootstrap (default). The CLI drives the runner itself. */
  autoStart?: boolean;
}

const OPTIONS = Symbol('PROJECTIONS_MODULE_OPTIONS');

@Injectable()
class ProjectionsLifecycle
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly discovery: DiscoveryService,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
    @Inject(OPTIONS) private readonly options: ProjectionsModuleOptions,
  ) {}

  /** Every provider instance exists by now, whichever module declared it. */
  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: ProjectionProvider.KEY })) {
      this.runner.add(wrapper.instance as Projection);
    }
  }

  onApplicationBootstrap(): void {
    if (this.options.autoStart !== false) this.runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  onApplicationShutdown(): void {
    this.db.close();
  }
}

/** Runs every `@ProjectionProvider()` against the configured EVENT_STORE. Global: import it once. */
@Module({})
export class ProjectionsModule {
  static forRoot(options: ProjectionsModuleOptions): DynamicModule {
    return ProjectionsModule.forRootAsync({ useFactory: () => options });
  }

  /** For options that come from another provider (the application's configuration). */
  static forRootAsync(options: {
    inject?: InjectionToken[];
    useFactory: (...deps: never[]) => ProjectionsModuleOptions;
  }): DynamicModule {
    return {
      module: ProjectionsModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [
        { provide: OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory },
        {
          provide: READ_MODEL_DB,
          inject: [OPTIONS],
          useFactory: ({ dataDir }: ProjectionsModuleOptions) => openReadModelDb(readModelsPath(dataDir)),
        },
        {
          provide: ProjectionRunner,
          inject: [EVENT_STORE, READ_MODEL_DB, OPTIONS],
          useFactory: (store: EventStore, db: ReadModelDb, { batchSize }: ProjectionsModuleOptions) =>
            new ProjectionRunner(store, db, [], { batchSize }),
        },
        ProjectionsLifecycle,
      ],
      exports: [READ_MODEL_DB, ProjectionRunner],
    };
  }
}
