import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@trust-ledger/event-store';
import { OpaquePositions } from '@trust-ledger/privacy';
import { ProjectionRunner, type BatchCommitted } from '@trust-ledger/projections';
import { STATISTICS, type PublicStatistics } from '@trust-ledger/projections/statistics';
import { VIOLATION_REGISTER } from '@trust-ledger/projections/violations';
import { StatisticsReader } from './statistics.reader';

/** One message of the stream: the current quarter's statistics and the log position they reflect. */
export interface StatisticsMessage {
  /** The furthest position the projections it is counted from have reached, sealed (API.md: opaque;
   * in clear it told anyone how busy the log is) with a digest of its counts: a change only time
   * brings is counted at the same position, and a client resuming with the id of the message
   * before it must not pass for having it. Null: no position yet. */
  id: string | null;
  data: string;
  /** Its place in the order counted (not sent): what orders messages, as the position cannot, a
   * change only time brings (a notice deadline passed) being counted at the position before it. */
  sequence: number;
}

/** The projections the statistics are counted from. */
const SOURCES = [STATISTICS, VIOLATION_REGISTER];

/** Time-driven changes (a notice deadline, a new quarter) are noticed at least this often. */
const RECHECK_MS = 15_000;
/** Counting reads the whole year's counts (see StatisticsQueries), so batches committed closer
 * together than this are counted once, together. */
const RECOUNT_INTERVAL_MS = 250;

/** One count of the statistics, shared by the readers and background tasks that ask meanwhile. */
class Count {
  /** A reader waits for it: a failure is that reader's answer (a 500, logged as such), not the
   * background task's to log again. */
  awaited = false;
  readonly done: Promise<void>;
  /** Settles `done` as the count run for it does. */
  readonly settle: (counting: Promise<void>) => void;

  constructor() {
    let settle!: (counting: Promise<void>) => void;
    this.done = new Promise<void>((resolve) => (settle = resolve));
    this.settle = settle;
  }
}

/**
 * Keeps the current quarter's public statistics and tells subscribers whenever they change
 * (generatedAt aside): after the batches the statistics or the register commit (those within
 * RECOUNT_INTERVAL_MS of each other in one message), and periodically for changes that only time
 * brings. With no subscriber it only notes that the counts may have changed, and counts when asked.
 */
@Injectable()
export class StatisticsStream implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(StatisticsStream.name);
  private current: (StatisticsMessage & { counts: string }) | undefined;
  private reached: string | null = null;
  private readonly subscribers = new Map<(message: StatisticsMessage) => void, () => void>();
  private unsubscribe: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** The counts may have changed since the last successful count (or none was made yet). */
  private stale = true;
  private scheduled: NodeJS.Timeout | undefined;
  private countedAt = 0;
  /** The count under way, and the one to follow it: counts run one at a time (each waits for its
   * suppression decision), so that their messages go out in the order counted. */
  private counting: Count | undefined;
  private queued: Count | undefined;
  private shuttingDown = false;

  constructor(
    private readonly reader: StatisticsReader,
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly positions: OpaquePositions,
  ) {}

  onApplicationBootstrap(): void {
    this.unsubscribe = this.runner.onProgress((progress) => this.progressed(progress));
    this.timer = setInterval(() => {
      this.stale = true;
      if (this.subscribers.size > 0) this.recountInBackground();
    }, RECHECK_MS);
    this.timer.unref();
  }

  /** Ends every open stream, so that the HTTP server can close. */
  beforeApplicationShutdown(): void {
    this.shuttingDown = true;
    this.unsubscribe?.();
    clearInterval(this.timer);
    clearTimeout(this.scheduled);
    for (const end of this.subscribers.values()) end();
    this.subscribers.clear();
  }

  /** The current message, counted now if the counts may have changed since. */
  async latest(): Promise<StatisticsMessage> {
    if (this.current === undefined) {
      for (const { name, position } of await this.runner.status()) {
        if (SOURCES.includes(name) && position !== null) this.reach(position);
      }
    }
    // A count under way began after the last change: its message is the latest.
    const count = this.stale ? this.recount() : this.counting;
    if (count !== undefined) {
      count.awaited = true;
      await count.done;
    }
    const { id, data, sequence } = this.current!;
    return { id, data, sequence };
  }

  /**
   * Whether a client that last saw `lastEventId` lacks `message`, the latest: unless it saw exactly
   * that one (a position and its counts are always sealed the same), be it of an older position or
   * of older counts at this one. An id ahead of it was never sent from this log (one restored from a
   * backup, another deployment's), so waiting for the next change would leave that client without
   * the state; nor can a client know what it saw from an id not of this log.
   */
  isBehind(lastEventId: string | undefined, message: StatisticsMessage): boolean {
    return lastEventId === undefined || message.id === null || lastEventId !== message.id;
  }

  /** `end` is called if the service shuts down first. Returns the function that unsubscribes. */
  subscribe(listener: (message: StatisticsMessage) => void, end: () => void): () => void {
    this.subscribers.set(listener, end);
    return () => this.subscribers.delete(listener);
  }

  private progressed(progress: BatchCommitted | null): void {
    if (progress === null || progress.applied === 0 || progress.position === null) return;
    if (!SOURCES.includes(progress.projection)) return;
    const position = progress.position;
    // Runs inside the runner's notification: a failure here must never reach the runner.
    this.safely(() => this.reach(position));
    this.stale = true;
    if (this.subscribers.size === 0 || this.scheduled !== undefined) return;
    this.scheduled = setTimeout(
      () => {
        this.scheduled = undefined;
        this.recountInBackground();
      },
      Math.max(0, this.countedAt + RECOUNT_INTERVAL_MS - Date.now()),
    );
    this.scheduled.unref();
  }

  private reach(position: string): void {
    if (this.reached === null || this.store.comparePositions(position, this.reached) > 0)
      this.reached = position;
  }

  /** Counts after the count under way, if any; counts asked for meanwhile are one count. */
  private recount(): Count {
    if (this.queued !== undefined) return this.queued;
    const before = this.counting;
    const count = new Count();
    if (before === undefined) this.run(count);
    else {
      this.queued = count;
      void before.done
        .catch(() => undefined)
        .then(() => {
          this.queued = undefined;
          this.run(count);
        });
    }
    return count;
  }

  private run(count: Count): void {
    this.counting = count;
    count.settle(this.count().finally(() => (this.counting = undefined)));
  }

  private recountInBackground(): void {
    const count = this.recount();
    count.done.catch((error: unknown) => {
      // A count cut short by the shutdown (its suppression thread stopped) is no failure.
      if (!count.awaited && !this.shuttingDown) this.logFailure(error);
    });
  }

  private async count(): Promise<void> {
    this.countedAt = Date.now();
    // The counts are read as the count starts, and so is the position they reflect: a batch
    // committed while it waits for its suppression marks them again (and must not lend the
    // message its position). After a failure the next reader counts again.
    this.stale = false;
    const reached = this.reached;
    let statistics: PublicStatistics;
    try {
      statistics = await this.reader.currentQuarter();
    } catch (error) {
      this.stale = true;
      throw error;
    }
    const { generatedAt: _generatedAt, ...counted } = statistics;
    const counts = JSON.stringify(counted);
    if (this.current?.counts === counts) return;
    const first = this.current === undefined;
    const id = reached === null ? null : this.positions.sealWithState(reached, counts);
    const sequence = (this.current?.sequence ?? 0) + 1;
    this.current = { id, data: JSON.stringify(statistics), counts, sequence };
    if (first) return;
    const message = { id, data: this.current.data, sequence };
    for (const listener of this.subscribers.keys()) listener(message);
  }

  private safely(work: () => void): void {
    try {
      work();
    } catch (error) {
      this.logFailure(error);
    }
  }

  private logFailure(error: unknown): void {
    this.logger.error(
      `could not count the statistics: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
