import { Logger } from '@nestjs/common';
import {
  CorruptEventError,
  isBusy,
  type EventStore,
  type RecordedEvent,
  type Subscription,
} from '@trust-ledger/event-store';
import type { Checkpoints, ProjectionError } from './checkpoints';
import type { ErasedWal } from './erased-wal';
import { passesFilter, type Projection, type ReadModelDb } from './projection';

/** What one committed batch did, for progress listeners (waitFor, metrics). */
export interface BatchCommitted {
  projection: string;
  /** Events that passed the filter and were applied. */
  applied: number;
  /** The checkpoint after the batch (null when the log's very first event failed). */
  position: string | null;
}

type Outcome = 'stopped' | 'failed' | 'resubscribe';
type Committed = BatchCommitted & { error: ProjectionError | null };

const IDLE = Symbol('idle');
const ERASURE = 'PersonalDataErased';
const RESUBSCRIBE_DELAY_MS = 1000;

/** Another process (e.g. `projections rebuild` from the CLI) moved this projection's checkpoint. */
class CheckpointMoved extends Error {}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Resolves after pending I/O callbacks: a subscription that has nothing ready by then is idle. */
function nextTurn(): Promise<typeof IDLE> {
  return new Promise((resolve) => setImmediate(() => resolve(IDLE)));
}

/**
 * Runs one projection on its own subscription and checkpoint, so that a projection that fails or
 * falls behind never holds the others back.
 */
export class ProjectionWorker {
  private readonly logger: Logger;
  /** Mirrors the checkpoint row as this worker last committed it. */
  position: string | null = null;
  /** Set when the projection stopped on a failure; cleared when it is started again. */
  error: ProjectionError | null = null;
  /** Whether `position` is known to be of this log: a stored checkpoint is not until it was looked up. */
  private inLog = true;
  private loop: Promise<void> | undefined;
  private subscription: Subscription | undefined;
  private stopping: AbortController | undefined;
  private readonly applyOne: (event: RecordedEvent) => void;
  private readonly commitBatch: (batch: RecordedEvent[], eventByEvent: boolean) => Committed;

  constructor(
    readonly projection: Projection,
    private readonly store: EventStore,
    private readonly db: ReadModelDb,
    private readonly checkpoints: Checkpoints,
    private readonly erasedWal: ErasedWal,
    private readonly batchSize: number,
    private readonly notify: (progress: BatchCommitted | null) => void,
  ) {
    this.logger = new Logger(`Projection ${projection.name}`);
    // Nested in the batch's transaction, this is a savepoint: a failing event leaves no partial rows.
    this.applyOne = db.transaction((event: RecordedEvent) => {
      projection.apply(db, event);
      projection.flush?.(db);
    });
    // Immediate: the write lock is taken at BEGIN, waiting out another process's transaction there,
    // so that an apply never meets a locked database halfway and records that as its event's failure.
    this.commitBatch = db.transaction((batch: RecordedEvent[], eventByEvent: boolean) =>
      this.applyBatch(batch, eventByEvent),
    ).immediate;
  }

  get running(): boolean {
    return this.loop !== undefined;
  }

  /** Loads the checkpoint; a projection seen for the first time or at another version starts over. */
  initialise(): void {
    this.db.transaction(() => {
      const stored = this.checkpoints.get(this.projection.name);
      if (stored === undefined || stored.version !== this.projection.version) {
        this.resetTables();
      } else {
        this.position = stored.position;
        this.inLog = stored.position === null;
      }
    })();
  }

  /** Drops the tables and the checkpoint so that the next start replays the whole log. */
  reset(): void {
    if (this.running) throw new Error(`stop projection ${this.projection.name} before resetting it`);
    this.db.transaction(() => this.resetTables())();
  }

  /**
   * The transaction holding the batches it was fed rolled back: it forgets what it held and returns
   * to the checkpoint it last committed.
   */
  rolledBack(): void {
    this.projection.discard?.();
    const stored = this.checkpoints.get(this.projection.name);
    this.position = stored?.version === this.projection.version ? stored.position : null;
    this.error = stored?.error ?? null;
  }

  /**
   * Whether the tables hold every event up to `position`: as far as this worker followed, and as far
   * as the checkpoint row still says, since another process (a CLI rebuild) may have reset it under
   * a worker that has had nothing to apply since.
   */
  hasReached(position: string): boolean {
    const reached = (at: string | null): boolean =>
      at !== null && this.store.comparePositions(at, position) >= 0;
    if (!this.inLog || !reached(this.position)) return false;
    const stored = this.checkpoints.get(this.projection.name);
    return stored !== undefined && stored.version === this.projection.version && reached(stored.position);
  }

  /** The error it stopped on, which no wait outlasts: this worker's, or, while it is not following
   * (a runner that only waits, as the CLI's), the one its checkpoint row holds. A worker following
   * retries the event of a stale row's error, and clears it when that succeeds. */
  stoppedOn(): ProjectionError | null {
    if (this.error !== null || this.running) return this.error;
    const stored = this.checkpoints.get(this.projection.name);
    return stored?.version === this.projection.version ? stored.error : null;
  }

  start(): void {
    if (this.loop !== undefined) return;
    this.error = null;
    const stopping = new AbortController();
    this.stopping = stopping;
    this.loop = this.run(stopping.signal).finally(() => {
      this.loop = undefined;
      this.notify(null);
    });
  }

  async stop(): Promise<void> {
    this.stopping?.abort();
    await this.subscription?.close();
    await this.loop;
  }

  /**
   * Applies the next events of the log, read by someone else (a rebuild's one scan for every
   * projection) while this worker is not following. False once it takes no more: it failed, or
   * another process moved its checkpoint.
   */
  feed(batch: RecordedEvent[]): boolean {
    if (this.running) throw new Error(`projection ${this.projection.name} is following the log itself`);
    return this.commit(batch) === undefined;
  }

  private resetTables(): void {
    const { projection } = this;
    projection.drop(this.db);
    projection.setup(this.db);
    this.checkpoints.save(projection.name, { version: projection.version, position: null, error: null });
    this.position = null;
  }

  private async run(stopping: AbortSignal): Promise<void> {
    while (!stopping.aborted) {
      let outcome: Outcome;
      try {
        outcome = await this.follow(stopping);
      } catch (error) {
        // An event the store cannot read was altered in the log: reading again would only fail
        // again, and skipping it would hide it. Stopped there, the projection says so in /health.
        if (error instanceof CorruptEventError) {
          this.stopAtUnreadable(error);
          return;
        }
        // The subscription failed (e.g. the store's connection dropped): nothing was applied past
        // the checkpoint, so following again from it is safe.
        this.logger.warn(`subscription failed, resubscribing: ${messageOf(error)}`);
        outcome = 'resubscribe';
        await new Promise<void>((resolve) => {
          const done = (): void => {
            clearTimeout(timer);
            stopping.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, RESUBSCRIBE_DELAY_MS);
          stopping.addEventListener('abort', done);
        });
      }
      if (outcome !== 'resubscribe') return;
    }
  }

  /** Follows the log from the checkpoint, committing a batch when it is full or the log goes quiet. */
  private async follow(stopping: AbortSignal): Promise<Outcome> {
    if (!(await this.checkpointInLog())) {
      this.logger.warn(
        `the log no longer holds the event at its checkpoint ${String(this.position)} (restored from a backup?): rebuilding`,
      );
      this.db.transaction(() => this.resetTables()).immediate();
    }
    if (!this.inLog) {
      this.inLog = true;
      // Those waiting for a position (read-your-writes) look again: it now counts.
      this.notify({ projection: this.projection.name, applied: 0, position: this.position });
    }
    const subscription = this.store.subscribeToAll(
      this.position === null ? {} : { fromPosition: this.position },
    );
    this.subscription = subscription;
    if (stopping.aborted) await subscription.close();
    const events = subscription[Symbol.asyncIterator]();
    const batch: RecordedEvent[] = [];
    try {
      let next = events.next();
      for (;;) {
        let result: IteratorResult<RecordedEvent> | typeof IDLE;
        try {
          result = batch.length === 0 ? await next : await Promise.race([next, nextTurn()]);
        } catch (error) {
          // The events read before one the store cannot read are applied: it stops exactly there,
          // unless one of them stopped it first.
          if (error instanceof CorruptEventError) {
            const outcome = this.commit(batch);
            if (outcome !== undefined) return outcome;
          }
          throw error;
        }
        if (result === IDLE || result.done === true) {
          const outcome = this.commit(batch);
          if (outcome !== undefined) return outcome;
          batch.length = 0;
          if (result === IDLE) continue;
          return 'stopped';
        }
        batch.push(result.value);
        if (batch.length >= this.batchSize) {
          const outcome = this.commit(batch);
          if (outcome !== undefined) return outcome;
          batch.length = 0;
        }
        next = events.next();
      }
    } finally {
      await subscription.close();
    }
  }

  /**
   * Whether the log still holds the event the checkpoint stopped at, at its position. A log restored
   * from a backup (or another log) would otherwise leave the read model serving records the log no
   * longer holds, and skipping those it now holds at positions already passed.
   */
  private async checkpointInLog(): Promise<boolean> {
    if (this.position === null) return true;
    const head = await this.store.headPosition();
    if (head === null || this.store.comparePositions(this.position, head) > 0) return false;
    const last = this.checkpoints.get(this.projection.name)?.last;
    // A checkpoint saved before the event was kept: the head is all there is to go by.
    if (last == null) return true;
    for await (const event of this.store.readStream(last.streamId, {
      fromRevision: last.revision,
      maxCount: 1,
    })) {
      return event.id === last.id && this.store.comparePositions(event.position, this.position) === 0;
    }
    return false;
  }

  /** Commits the batch; returns why following must end, or undefined to go on. */
  private commit(batch: RecordedEvent[]): Outcome | undefined {
    if (batch.length === 0) return undefined;
    let committed: Committed;
    try {
      try {
        committed = this.commitBatch(batch, false);
      } catch (error) {
        if (error instanceof CheckpointMoved || isBusy(error)) throw error;
        // An event failed (or SQLite did) and the whole batch was rolled back. Again, event by event
        // in savepoints, to commit the events before the failing one and stop at it.
        this.projection.discard?.();
        committed = this.commitBatch(batch, true);
      }
    } catch (error) {
      this.projection.discard?.();
      if (error instanceof CheckpointMoved) {
        const stored = this.checkpoints.get(this.projection.name);
        if (stored !== undefined && stored.version === this.projection.version) {
          this.logger.warn(
            `checkpoint moved by another process to ${String(stored.position)}; following from there`,
          );
          this.position = stored.position;
          this.notify(null);
          return 'resubscribe';
        }
        return this.fail({
          message: 'the checkpoint was reset by another version of this projection',
          eventId: null,
          position: null,
        });
      }
      if (isBusy(error)) {
        // Another process (a CLI rebuild) held the database past the busy timeout. Nothing was
        // written: following again from the checkpoint tries the batch again.
        this.logger.warn(`read-model database busy, trying again: ${messageOf(error)}`);
        return 'resubscribe';
      }
      // The read-model database itself failed (disk full, I/O error): the batch was rolled back.
      return this.fail({ message: messageOf(error), eventId: null, position: null });
    }
    this.position = committed.position;
    this.notify(committed);
    if (committed.error !== null) return this.fail(committed.error);
    return undefined;
  }

  /** Stops at an event the store cannot read, and says so in the checkpoint row too, as for an event
   * that failed to apply, so that another process (`projections status`) sees it. */
  private stopAtUnreadable(unreadable: CorruptEventError): void {
    const error = { message: unreadable.message, eventId: unreadable.eventId, position: unreadable.position };
    this.fail(error);
    this.db
      .transaction(() => {
        const stored = this.checkpoints.get(this.projection.name);
        // Moved by another process meanwhile: its row says where it stands now.
        if (stored?.version !== this.projection.version || stored.position !== this.position) return;
        this.checkpoints.save(this.projection.name, { ...stored, error });
      })
      .immediate();
  }

  private fail(error: ProjectionError): 'failed' {
    this.error = error;
    this.logger.error(
      `stopped at event ${String(error.eventId)} (position ${String(error.position)}): ${error.message}`,
    );
    return 'failed';
  }

  /**
   * Runs inside one transaction: the rows and the checkpoint move together or not at all. At full
   * speed the first failure rolls the batch back; event by event, each event has its own savepoint
   * and the batch commits up to the event that failed.
   */
  private applyBatch(batch: RecordedEvent[], eventByEvent: boolean): Committed {
    const { projection } = this;
    const stored = this.checkpoints.get(projection.name);
    if (stored === undefined || stored.version !== projection.version || stored.position !== this.position) {
      throw new CheckpointMoved();
    }
    let { position } = stored;
    let passed: RecordedEvent | undefined;
    let applied = 0;
    let erased = false;
    let error: ProjectionError | null = null;
    for (const event of batch) {
      if (passesFilter(projection.filter, event)) {
        if (!eventByEvent) projection.apply(this.db, event);
        else {
          try {
            this.applyOne(event);
          } catch (cause) {
            // SQLite abandoned the whole transaction (I/O error, disk full): nothing can commit.
            if (!this.db.inTransaction) throw cause;
            projection.discard?.();
            error = { message: messageOf(cause), eventId: event.id, position: event.position };
            break;
          }
        }
        applied += 1;
        erased ||= event.type === ERASURE;
      }
      position = event.position;
      passed = event;
    }
    if (!eventByEvent) projection.flush?.(this.db);
    const last =
      passed === undefined
        ? (stored.last ?? null)
        : { id: passed.id, streamId: passed.streamId, revision: passed.revision };
    this.checkpoints.save(projection.name, { version: projection.version, position, last, error });
    // With the rows it rewrote: the WAL may hold them as they were, until the runner empties it.
    if (erased) this.erasedWal.mark();
    return { projection: projection.name, applied, position, error };
  }
}
