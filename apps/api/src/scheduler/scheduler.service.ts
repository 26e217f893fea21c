import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CLOCK, type Clock } from '@trust-ledger/domain';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { ProjectionRunner, READ_MODEL_DB, type ReadModelDb } from '@trust-ledger/projections';
import { DeadlineScheduler, type SchedulerStatus } from './deadline-scheduler';

/**
 * Runs the DeadlineScheduler in the API process: armed at bootstrap (which also records deadlines
 * passed while the service was down, as soon as the register knows them) and stopped at shutdown.
 * Appends through EVENT_STORE, so DeadlinePassed events are chained like every other event.
 */
@Injectable()
export class SchedulerService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly scheduler: DeadlineScheduler;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(READ_MODEL_DB) db: ReadModelDb,
    @Inject(CLOCK) clock: Clock,
    runner: ProjectionRunner,
  ) {
    this.scheduler = new DeadlineScheduler(store, db, clock, runner);
  }

  onApplicationBootstrap(): void {
    this.scheduler.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.scheduler.stop();
  }

  /** For /health. */
  status(): SchedulerStatus {
    return this.scheduler.status();
  }

  /** Records DeadlinePassed for every deadline reached by the clock now (tests move the clock). */
  tick(): Promise<number> {
    return this.scheduler.tick();
  }
}
