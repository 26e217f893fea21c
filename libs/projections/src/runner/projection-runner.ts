import { Logger } from '@nestjs/common';
import { isBusy, type EventStore, type JsonObject, type RecordedEvent } from '@trust-ledger/event-store';
import { Checkpoints, type ProjectionError } from './checkpoints';
import { ErasedWal } from './erased-wal';
import type { Projection, ReadModelDb } from './projection';
import { messageOf, ProjectionWorker, type BatchCommitted } from './projection-worker';

export interface ProjectionStatus {
  name: string;
  version: number;
  running: boolean;
  /** Last position the projection reached; null before its first event. */
  position: string | null;
  /** Whether the log holds events it has not reached yet. */
  behind: boolean;
  /** Events behind the head, where the store's positions are counts (the embedded store's are);
   * null otherwise. */
  lag: number | null;
  error: ProjectionError | null;
  /** What the projection shows of its read model beside its position, if it does (`Projection.details`). */
  details?: JsonObject;
}

/** The projections did not reach a position in time, or one of them stopped on an error first. */
export class ProjectionsBehindError extends Error {
  override readonly name = 'ProjectionsBehindError';
  constructor(
    readonly position: string,
    readonly lag: ProjectionStatus[],
  ) {
    super(`read models have not reached position ${position}`);
  }
}

class UnknownProjectionError extends Error {
  override readonly name = 'UnknownProjectionError';
  constructor(
    readonly projection: string,
    known: readonly string[],
  ) {
    super(`no projection named ${JSON.stringify(projection)}; the projections are ${known.join(', ')}`);
  }
}

export interface ProjectionRunnerOptions {
  /** Most events applied in one transaction while following the log. */
  batchSize?: number;
  /** A rebuild's batches: events each projection holds before it flushes them. */
  replayBatchSize?: number;
  /** How many of a rebuild's batches one transaction commits. */
  replayBatchesPerCommit?: number;
}

const INTEGER = /^\d+$/;
/** How often a wait looks at the checkpoints again, for what another process's runner committed. */
const OTHER_PROCESS_POLL_MS = 250;
/**
 * A rebuild's batches: large, since nobody waits on its individual events, but every projection
 * holds a batch's changes in memory until it commits. Over 1M bench events, 10,000 peaked at
 * 267-303 MiB from run to run (the target is under 300) and 5,000 at 263 MiB, rebuilding about
 * 12 % slower.
 */
const REPLAY_BATCH_SIZE = 5_000;
/**
 * A rebuild's batches committed together, each still flushed on its own so memory stays as above.
 * Every commit appends each page it dirtied to the WAL, and a replay dirties the same index pages
 * batch after batch: over 1M bench events, committing every 4 batches rebuilt in 36 s instead of
 * 38.4 at the same peak RSS; 10 or 40 gained nothing more.
 */
const REPLAY_BATCHES_PER_COMMIT = 4;
/**
 * A rebuild's WAL checkpoint threshold (pages: 800 MB at the 16 KB pages of a new read-model file,
 * 200 MB at an older file's 4 KB). At the default 1,000 pages every replay batch checkpointed,
 * rewriting and syncing the same hot pages each time: measured, about 1.2x more events per second
 * with 4 KB pages. The WAL can grow to this size during a rebuild. Restored when the replay ends.
 */
const REPLAY_WAL_AUTOCHECKPOINT_PAGES = 50_000;
/**
 * Emptying the WAL after an erasure waits for no other process: on this thread, each wait held the
 * API's requests. Busy (a backup's or verify's snapshot, a sqlite3 shell reading the file), it is
 * tried again after this, doubled each time up to the last.
 */
const TRUNCATE_RETRY_FIRST_MS = 250;
const TRUNCATE_RETRY_MAX_MS = 30_000;
/** Pending longer than this, the WAL's erased pages are logged (and again once it is emptied). */
const TRUNCATE_PENDING_WARN_MS = 10_000;

/** An emptying of the WAL after an erasure that another process has kept busy so far. */
interface PendingTruncation {
  since: number;
  delayMs: number;
  timer: NodeJS.Timeout | undefined;
  warned: boolean;
}

function numericLag(head: string | null, position: string | null): number | null {
  if (head === null) return 0;
  if (!INTEGER.test(head) || (position !== null && !INTEGER.test(position))) return null;
  return Math.max(0, Number(head) - Number(position ?? 0));
}

/**
 * Keeps every projection caught up with the log. Each has its own subscription and checkpoint; a
 * batch of events and the checkpoint after it are committed in one read-model transaction, so a
 * crash at any moment neither applies an event twice nor skips one.
 */
export class ProjectionRunner {
  private readonly logger = new Logger(ProjectionRunner.name);
  private readonly workers = new Map<string, ProjectionWorker>();
  private readonly checkpoints: Checkpoints;
  private readonly batchSize: number;
  private readonly replayBatchSize: number;
  private readonly replayBatchesPerCommit: number;
  /** Progress of a replay's batches not committed yet: reported once their transaction commits. */
  private uncommitted: (BatchCommitted | null)[] | undefined;
  private readonly listeners = new Set<(progress: BatchCommitted | null) => void>();
  private started = false;
  private replaying = false;
  private readonly erasedWal: ErasedWal;
  private truncation: PendingTruncation | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadModelDb,
    projections: readonly Projection[] = [],
    options: ProjectionRunnerOptions = {},
  ) {
    this.checkpoints = new Checkpoints(db);
    this.erasedWal = new ErasedWal(db);
    this.batchSize = options.batchSize ?? 500;
    this.replayBatchSize = options.replayBatchSize ?? REPLAY_BATCH_SIZE;
    this.replayBatchesPerCommit = options.replayBatchesPerCommit ?? REPLAY_BATCHES_PER_COMMIT;
    for (const projection of projections) this.add(projection);
  }

  /** Adds a projection; only before the runner starts. */
  add(projection: Projection): void {
    if (this.started) throw new Error('projections are added before the runner starts');
    if (this.workers.has(projection.name)) throw new Error(`two projections are named ${projection.name}`);
    const worker = new ProjectionWorker(
      projection,
      this.store,
      this.db,
      this.checkpoints,
      this.erasedWal,
      this.batchSize,
      (progress) => this.emit(progress),
    );
    this.workers.set(projection.name, worker);
  }

  get projections(): Projection[] {
    return [...this.workers.values()].map((worker) => worker.projection);
  }

  /** Starts following the log; a projection at a new version is dropped and replayed first. A
   * projection that stopped on an error retries the event it stopped at. */
  start(): void {
    const idle = [...this.workers.values()].filter((worker) => !worker.running);
    for (const worker of idle) worker.initialise();
    for (const worker of idle) worker.start();
    this.started = true;
    // Another process (a CLI rebuild) may have left an erasure's pages in the WAL.
    this.emptyErasedWal();
  }

  /** Stops every subscription after committing what was already read. */
  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.truncation?.timer);
    if (this.truncation !== undefined) this.truncation.timer = undefined;
    await Promise.all([...this.workers.values()].map((worker) => worker.stop()));
  }

  /**
   * Called after every committed batch (with what it did) and whenever a projection stops (with
   * null). Returns the function that unsubscribes.
   */
  onProgress(listener: (progress: BatchCommitted | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Read from the checkpoint table, so it also reports what another process's runner reached. */
  async status(): Promise<ProjectionStatus[]> {
    const head = await this.store.headPosition();
    return [...this.workers.values()].map((worker) => {
      const { projection } = worker;
      const { name, version } = projection;
      const stored = this.checkpoints.get(name);
      const current = stored !== undefined && stored.version === version;
      const position = current ? stored.position : null;
      // Past the head: the log was restored from a backup or replaced, and the rows are of another.
      const ahead = position !== null && (head === null || this.store.comparePositions(position, head) > 0);
      return {
        name,
        version,
        running: worker.running,
        position,
        behind: head !== null && (position === null || this.store.comparePositions(head, position) > 0),
        lag: numericLag(head, position),
        error:
          worker.error ??
          (current ? stored.error : null) ??
          (ahead
            ? {
                // No positions in the message: it reaches anyone on /health; `position` has the checkpoint's.
                message:
                  "its checkpoint is past the log's head: the log was restored or replaced; the projection rebuilds when the service starts",
                eventId: null,
                position,
              }
            : null),
        // Only once its tables are this version's: set up in the transaction that reset the checkpoint.
        ...(current && projection.details !== undefined && { details: projection.details(this.db) }),
      };
    });
  }

  /**
   * Resolves once every projection (or only the one named) has reached `position`. Rejects with a
   * ProjectionsBehindError after `timeoutMs`, or as soon as a projection that has not reached it
   * stops on an error; throws at once if `position` is not one of this store's positions.
   */
  waitFor(position: string, timeoutMs: number, only?: string): Promise<void> {
    const workers = only === undefined ? [...this.workers.values()] : [this.worker(only)];
    return this.waitForWorkers(workers, position, timeoutMs);
  }

  /**
   * Drops the named projection (or all), replays the log into it from the start, and resolves when
   * it has reached the head as it was when the rebuild began. Memory stays bounded: events stream
   * through in batches.
   */
  async rebuild(name?: string): Promise<void> {
    const targets = name === undefined ? [...this.workers.values()] : [this.worker(name)];
    await Promise.all(targets.map((worker) => worker.stop()));
    const head = await this.store.headPosition();
    for (const worker of targets) worker.reset();
    await this.replay(targets);
    // Following from the checkpoints picks up whatever the replay did not reach or apply. One that
    // stopped on an event stays stopped there, with its error: retrying at once would only fail again.
    for (const worker of targets) if (worker.error === null) worker.start();
    try {
      if (head !== null) await this.waitForWorkers(targets, head, Infinity);
    } finally {
      if (!this.started) await Promise.all(targets.map((worker) => worker.stop()));
    }
  }

  /** Reads the log once, up to its head, feeding every worker in large batches. */
  private async replay(workers: ProjectionWorker[]): Promise<void> {
    const autocheckpoint = this.db.pragma('wal_autocheckpoint', { simple: true }) as number;
    const synchronous = this.db.pragma('synchronous', { simple: true }) as number;
    this.db.pragma(`wal_autocheckpoint = ${REPLAY_WAL_AUTOCHECKPOINT_PAGES}`);
    // Without a sync at each commit, power loss can undo the replay's last batches, but never
    // split one from its checkpoint (WAL): the projection replays them again from the log.
    this.db.pragma('synchronous = NORMAL');
    this.replaying = true;
    try {
      await this.feedAll(workers);
    } finally {
      this.replaying = false;
      this.db.pragma(`synchronous = ${synchronous}`);
      this.db.pragma(`wal_autocheckpoint = ${autocheckpoint}`);
      // Once, at its end: after each batch, every truncation would copy a replay's large WAL again.
      this.emptyErasedWal();
    }
  }

  /**
   * Feeds the workers batch by batch, committing every few batches in one transaction; each worker's
   * batch is a savepoint in it, so a failing batch still rolls back alone.
   */
  private async feedAll(workers: ProjectionWorker[]): Promise<void> {
    let feeding = workers;
    let batches = 0;
    const batch: RecordedEvent[] = [];
    const feed = (): void => {
      if (!this.db.inTransaction) {
        try {
          this.db.exec('BEGIN IMMEDIATE');
          this.uncommitted = [];
        } catch {
          // Locked or failing: each worker's own transaction then meets the error and records it.
        }
      }
      feeding = feeding.filter((worker) => worker.feed(batch));
      batch.length = 0;
      batches += 1;
      // After a rollback the workers stand at their last commit again, behind the next batch.
      if (batches % this.replayBatchesPerCommit === 0 && !this.commitReplay(workers)) feeding = [];
    };
    const events = this.store.readAll()[Symbol.asyncIterator]();
    try {
      while (feeding.length > 0) {
        let next: IteratorResult<RecordedEvent>;
        try {
          next = await events.next();
        } catch (error) {
          // The read failed (e.g. a dropped connection): what was fed is kept, and following the log
          // from the checkpoints, with its retries, finishes the rebuild.
          this.logger.warn(`replay stopped, following instead: ${messageOf(error)}`);
          return;
        }
        if (next.done === true) break;
        batch.push(next.value);
        if (batch.length >= this.replayBatchSize) feed();
      }
      if (batch.length > 0 && feeding.length > 0) feed();
      await events.return?.();
    } finally {
      this.commitReplay(workers);
    }
  }

  /**
   * Commits the replay's open transaction and reports its batches' progress. If SQLite abandoned the
   * transaction (an I/O error, a full disk) or the commit fails, the workers return to their
   * committed checkpoints, from which following the log finishes the rebuild; false then.
   */
  private commitReplay(workers: ProjectionWorker[]): boolean {
    const progress = this.uncommitted;
    if (progress === undefined) return true;
    this.uncommitted = undefined;
    try {
      if (!this.db.inTransaction) throw new Error('the read-model database rolled the replay back');
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      for (const worker of workers) worker.rolledBack();
      this.logger.warn(`replay's last batches rolled back, following instead: ${messageOf(error)}`);
      return false;
    }
    for (const committed of progress) this.emit(committed);
    return true;
  }

  private worker(name: string): ProjectionWorker {
    const worker = this.workers.get(name);
    if (worker === undefined) throw new UnknownProjectionError(name, [...this.workers.keys()]);
    return worker;
  }

  private emit(progress: BatchCommitted | null): void {
    if (this.uncommitted !== undefined) {
      this.uncommitted.push(progress);
      return;
    }
    if (!this.replaying) this.emptyErasedWal();
    for (const listener of this.listeners) {
      try {
        listener(progress);
      } catch (error) {
        // A listener's bug must not stop a projection whose batch is already committed.
        this.logger.error(`progress listener failed: ${messageOf(error)}`);
      }
    }
  }

  /** Whether read-models.db's WAL may still hold pages as they were before an erasure rewrote them. */
  erasedWalPending(): boolean {
    return this.erasedWal.marked() !== undefined;
  }

  /**
   * Empties the WAL if an erasure's pages may be in it, without waiting. Busy, it is tried again on
   * a timer while the runner follows the log, not after every batch; meanwhile batches leave it to
   * the timer.
   */
  private emptyErasedWal(): void {
    const pending = this.truncation;
    if (pending?.timer !== undefined) return;
    if (this.truncateErasedWal(0)) {
      if (pending?.warned === true) {
        this.logger.log(`the WAL of the read models is emptied of an erasure's former pages at last`);
      }
      this.truncation = undefined;
      return;
    }
    const now = Date.now();
    const truncation = pending ?? {
      since: now,
      delayMs: TRUNCATE_RETRY_FIRST_MS,
      timer: undefined,
      warned: false,
    };
    this.truncation = truncation;
    if (!truncation.warned && now - truncation.since >= TRUNCATE_PENDING_WARN_MS) {
      truncation.warned = true;
      this.logger.warn(
        `the WAL of the read models may still hold what an erasure rewrote, busy for ${Math.round((now - truncation.since) / 1000)} s: another process keeps reading read-models.db (a backup, projections verify, a sqlite3 shell?); trying again`,
      );
    }
    // Not following (a CLI's runner): its caller says so instead, and the next process empties it.
    if (!this.started) return;
    truncation.timer = setTimeout(() => {
      truncation.timer = undefined;
      try {
        this.emptyErasedWal();
      } catch (error) {
        // Not busy but failing (an I/O error): the mark stays, and the next batch tries again.
        this.logger.error(`could not empty the WAL of the read models: ${messageOf(error)}`);
      }
    }, truncation.delayMs).unref();
    truncation.delayMs = Math.min(truncation.delayMs * 2, TRUNCATE_RETRY_MAX_MS);
  }

  /**
   * Copies the WAL into the database and empties the file, if the mark says an erasure's pages may be
   * in it: a checkpoint alone only writes the WAL again from its start, leaving older frames past the
   * new end, which hold the pages as they were before the erasure rewrote them. Waits up to `waitMs`
   * for other processes to let go of the file (a CLI, where nothing else waits on its thread, may
   * wait; the API does not). False while another process still reads or writes it (SQLite answers
   * busy=1, or SQLITE_BUSY): the mark stays for the next process that can.
   */
  truncateErasedWal(waitMs: number): boolean {
    const marked = this.erasedWal.marked();
    if (marked === undefined) return true;
    const busyTimeout = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma(`busy_timeout = ${waitMs}`);
    try {
      const [result] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      // The mark's own deletion then leaves a few frames of this table alone in the WAL.
      return result.busy === 0 && this.erasedWal.clear(marked);
    } catch (error) {
      if (isBusy(error)) return false;
      throw error;
    } finally {
      this.db.pragma(`busy_timeout = ${busyTimeout}`);
    }
  }

  private waitForWorkers(workers: ProjectionWorker[], position: string, timeoutMs: number): Promise<void> {
    this.store.comparePositions(position, position);
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const stopWatching = (): void => {
        unsubscribe();
        clearTimeout(timer);
        clearInterval(poll);
      };
      const finish = (error?: ProjectionsBehindError): void => {
        stopWatching();
        if (error === undefined) resolve();
        else reject(error);
      };
      const giveUp = (): void => {
        stopWatching();
        this.status().then((lag) => finish(new ProjectionsBehindError(position, lag)), reject);
      };
      const check = (): void => {
        const waiting = workers.filter((worker) => !worker.hasReached(position));
        if (waiting.length === 0) finish();
        else if (waiting.some((worker) => worker.stoppedOn() !== null)) giveUp();
      };
      const unsubscribe = this.onProgress(check);
      // Another process (a CLI rebuild) moves checkpoints without this one's progress hearing of it.
      const poll = setInterval(check, OTHER_PROCESS_POLL_MS);
      if (Number.isFinite(timeoutMs)) timer = setTimeout(giveUp, timeoutMs);
      check();
    });
  }
}
