import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { ensurePrivateFile } from '../private-files';
import { dirname } from 'node:path';
import {
  CorruptEventError,
  DuplicateEventIdError,
  EventStoreUnavailableError,
  WrongExpectedRevisionError,
  type AppendResult,
  type EventFilter,
  type EventMetadata,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type JsonObject,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';
import { satisfies } from '../expected-revision';
import { SqliteSubscription, type Page, type SubscriptionSource } from './sqlite-subscription';
import {
  checkCount,
  checkExpectedRevision,
  checkStreamId,
  parseIsoTime,
  parsePosition,
  serializeEvents,
  type SerializedEvent,
} from './validation';

/**
 * SQLite's answer when another connection holds the lock for longer than the busy timeout. By its
 * code, not its class: better-sqlite3's native side keeps the error class it was first loaded with.
 */
export function isBusy(error: unknown): error is { code: string; message: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('SQLITE_BUSY')
  );
}

export interface SqliteEventStoreOptions {
  /** FULL (default): an acknowledged append survives power loss. NORMAL: it survives a crash of the
   * process but the last appends before a power loss may be lost. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Commit the appends that arrive together in one transaction (one fsync). Default true. */
  groupCommit?: boolean;
  /** How often a waiting subscription looks for appends made through another connection (another
   * process on the same file). Appends through this instance wake subscriptions at once. */
  pollIntervalMs?: number;
  /** How long a write waits for another connection's write lock before failing. */
  busyTimeoutMs?: number;
  /** Opens an existing file for reading only: verifying a log must not change it (nor checkpoint
   * its WAL into it on close). Appends then fail. */
  readonly?: boolean;
}

/** Rows are read as arrays (no per-row key objects) in this column order. */
type Row = [
  position: number,
  id: string,
  streamId: string,
  revision: number,
  type: string,
  data: string,
  metadata: string,
];

interface PendingAppend {
  streamId: string;
  expected: ExpectedRevision;
  events: SerializedEvent[];
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

const PAGE_SIZE = 1000;
const WAL_AUTOCHECKPOINT_PAGES = 10_000;
const COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata';

/** Lets timers and I/O run between pages, so that reading a long log does not stall the server. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// `position` aliases the rowid: SQLite hands out max(rowid) + 1 under the write lock, so positions
// become visible in increasing order and a reader that has seen position p has seen everything
// below it. Nothing is ever deleted, so a position is never reused.
export const SQLITE_EVENTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY,
  event_id    TEXT    NOT NULL UNIQUE,
  stream_id   TEXT    NOT NULL,
  revision    INTEGER NOT NULL,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  -- Written, no longer read: as-of reads filter on the metadata's recordedAt, which the hash covers.
  recorded_at INTEGER NOT NULL,
  UNIQUE (stream_id, revision)
) STRICT;
-- Stores created before it was found unused (and costly per append) still have it.
DROP INDEX IF EXISTS events_recorded_at;
`;

function toRecordedEvent(row: Row): RecordedEvent {
  let data: JsonObject;
  let metadata: EventMetadata;
  try {
    data = JSON.parse(row[5]) as JsonObject;
    metadata = JSON.parse(row[6]) as EventMetadata;
  } catch {
    throw new CorruptEventError(row[2], row[3], String(row[0]), row[1]);
  }
  return {
    id: row[1],
    streamId: row[2],
    revision: row[3],
    position: String(row[0]),
    type: row[4],
    data,
    metadata,
  };
}

/** The embedded event store: one SQLite file in WAL mode, durable commits, one row per event. */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly groupCommit: boolean;
  private readonly pollIntervalMs: number;

  private readonly lastOfStream: Database.Statement<[string], [number, number]>;
  private readonly eventById: Database.Statement<[string], [string, number, number]>;
  private readonly insert: Database.Statement<[string, string, number, string, string, string, number]>;
  private readonly maxPosition: Database.Statement<[], number | null>;
  private readonly dataVersion: Database.Statement<[], number>;
  private readonly streamForwards: Database.Statement<[string, number, number], Row>;
  private readonly streamBackwards: Database.Statement<[string, number, number], Row>;
  private readonly allQueries = new Map<string, Database.Statement<unknown[], Row>>();

  private readonly commitBatch: Database.Transaction<(batch: PendingAppend[]) => Outcome[]>;
  private readonly appendInSavepoint: Database.Transaction<(append: PendingAppend) => AppendResult>;

  private queue: PendingAppend[] = [];
  private flushScheduled = false;
  private closed = false;

  private readonly subscriptions = new Set<SqliteSubscription>();
  private readonly waiters = new Set<() => void>();
  /** Bumped whenever new events may be visible, so a subscriber can tell whether to wait. */
  private generation = 0;
  private poller: NodeJS.Timeout | undefined;
  private lastDataVersion = 0;

  constructor(file: string, options: SqliteEventStoreOptions = {}) {
    const synchronous = options.synchronous ?? 'FULL';
    if (synchronous !== 'FULL' && synchronous !== 'NORMAL')
      throw new Error(`synchronous must be FULL or NORMAL`);
    this.groupCommit = options.groupCommit ?? true;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    const readonly = options.readonly ?? false;
    if (file !== ':memory:' && !readonly) {
      mkdirSync(dirname(file), { recursive: true });
      ensurePrivateFile(file);
    }
    this.db = new Database(file, {
      timeout: options.busyTimeoutMs ?? 5000,
      readonly,
      fileMustExist: readonly,
    });
    if (!readonly) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${synchronous}`);
      // Each append dirties a page of both unique indexes (random event ids, one page per stream), so
      // a checkpoint every 1,000 WAL pages (the default) ran every few batches and cost more than the
      // commits. Measured: about 1.4x more concurrent appends per second at 10,000 pages (~40 MB WAL).
      this.db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      this.db.exec(SQLITE_EVENTS_SCHEMA);
    }

    this.lastOfStream = this.db
      .prepare<[string], [number, number]>(
        'SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
      )
      .raw();
    this.eventById = this.db
      .prepare<[string], [string, number, number]>(
        'SELECT stream_id, revision, position FROM events WHERE event_id = ?',
      )
      .raw();
    this.insert = this.db.prepare(
      'INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.maxPosition = this.db.prepare<[], number | null>('SELECT max(position) FROM events').pluck();
    this.dataVersion = this.db.prepare<[], number>('PRAGMA data_version').pluck();
    this.streamForwards = this.db
      .prepare<[string, number, number], Row>(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      )
      .raw();
    this.streamBackwards = this.db
      .prepare<[string, number, number], Row>(
        `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`,
      )
      .raw();

    this.appendInSavepoint = this.db.transaction((append: PendingAppend) => this.apply(append));
    this.commitBatch = this.db.transaction((batch: PendingAppend[]) =>
      batch.map((append): Outcome => {
        try {
          return { ok: true, result: this.appendInSavepoint(append) };
        } catch (error) {
          // The savepoint was rolled back: only this caller fails. If SQLite itself abandoned the
          // transaction (I/O error, disk full), nothing in the batch can commit.
          if (!this.db.inTransaction) throw error;
          return { ok: false, error };
        }
      }),
    );
  }

  async append(
    streamId: string,
    events: EventToAppend[],
    options: { expectedRevision: ExpectedRevision },
  ): Promise<AppendResult> {
    if (this.closed) throw new Error('the event store is closed');
    checkStreamId(streamId);
    checkExpectedRevision(options?.expectedRevision);
    const serialized = serializeEvents(streamId, events);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ streamId, expected: options.expectedRevision, events: serialized, resolve, reject });
      if (!this.groupCommit) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        // After the I/O phase, so that the appends of every request that arrived together share it.
        setImmediate(this.flush);
      }
    });
  }

  /** Commits everything queued. Callers are settled only after COMMIT has returned (durable). */
  private readonly flush = (): void => {
    this.flushScheduled = false;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.commitBatch.immediate(batch);
    } catch (error) {
      // Another process (a CLI import or backup) held the log's write lock past the busy timeout:
      // nothing was written, and the same append may succeed once it lets go.
      const busy = isBusy(error)
        ? new EventStoreUnavailableError(`the event log is locked by another process: ${error.message}`, {
            cause: error,
          })
        : error;
      for (const append of batch) append.reject(busy);
      return;
    }
    batch.forEach((append, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) append.resolve(outcome.result);
      else append.reject(outcome.error);
    });
    this.wake();
  };

  /** One append, inside its own savepoint; sees the effects of the batch's earlier appends. */
  private apply(append: PendingAppend): AppendResult {
    const { streamId, expected, events } = append;
    const last = this.lastOfStream.get(streamId);
    const existing = events.map((event) => this.eventById.get(event.id));
    if (existing.some((row) => row !== undefined)) return this.replay(append, existing);
    const actual = last === undefined ? 'no_stream' : last[0];
    if (!satisfies(expected, actual)) throw new WrongExpectedRevisionError(streamId, expected, actual);
    // An empty append reaches where the stream stands: for a missing stream, position 0, before every event.
    let revision = last === undefined ? -1 : last[0];
    let position = last === undefined ? 0 : last[1];
    for (const event of events) {
      revision += 1;
      const info = this.insert.run(
        event.id,
        streamId,
        revision,
        event.type,
        event.data,
        event.metadata,
        event.recordedAtMs,
      );
      position = Number(info.lastInsertRowid);
    }
    return { nextExpectedRevision: revision, position: String(position) };
  }

  /** Some ids are already recorded: a retry of the same append (same stream, same ids in the same
   * order at the place the expectation names) gets the original result; anything else is a reuse. */
  private replay(append: PendingAppend, existing: ([string, number, number] | undefined)[]): AppendResult {
    const first = existing[0];
    const isRetry =
      first !== undefined &&
      existing.every(
        (row, i) => row !== undefined && row[0] === append.streamId && row[1] === first[1] + i,
      ) &&
      satisfies(append.expected, first[1] === 0 ? 'no_stream' : first[1] - 1);
    if (isRetry) {
      const last = existing[existing.length - 1] as [string, number, number];
      return { nextExpectedRevision: last[1], position: String(last[2]) };
    }
    const reused = existing.findIndex((row) => row !== undefined);
    throw new DuplicateEventIdError(append.events[reused].id);
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncGenerator<RecordedEvent> {
    checkStreamId(streamId);
    const backwards = options.direction === 'backwards';
    if (options.direction !== undefined && !backwards && options.direction !== 'forwards') {
      throw new Error(`direction must be forwards or backwards, got ${options.direction as string}`);
    }
    const upTo = options.upToTime === undefined ? undefined : parseIsoTime(options.upToTime, 'upToTime');
    let remaining = checkCount(options.maxCount, 'maxCount') ?? Infinity;
    let revision =
      checkCount(options.fromRevision, 'fromRevision') ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
    const query = backwards ? this.streamBackwards : this.streamForwards;
    while (remaining > 0) {
      // With a time bound, rows past it are skipped here, so a page cannot be cut to what is left.
      const limit = upTo === undefined ? Math.min(PAGE_SIZE, remaining) : PAGE_SIZE;
      const rows = query.all(streamId, revision, limit);
      for (const row of rows) {
        const event = toRecordedEvent(row);
        // By the hash-chained metadata, not the recorded_at column beside it: `verify` checks the
        // one, so an edit of the other would change what "as of" shows unseen.
        if (upTo !== undefined && parseIsoTime(event.metadata.recordedAt, 'metadata.recordedAt') > upTo)
          continue;
        yield event;
        if (--remaining === 0) return;
      }
      revision = rows.length === 0 ? -1 : rows[rows.length - 1][3] + (backwards ? -1 : 1);
      if (rows.length < limit || revision < 0) return;
      await nextTurn();
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    let after = options.fromPosition === undefined ? 0 : parsePosition(options.fromPosition);
    let remaining = checkCount(options.maxCount, 'maxCount') ?? Infinity;
    // Bounded by the head at the start, so that a read of "everything" ends under constant appends.
    const head = this.head();
    while (remaining > 0 && after < head) {
      const limit = Math.min(PAGE_SIZE, remaining);
      const page = this.readPage(after, head, options.filter, limit);
      for (const event of page.events) yield event;
      if (page.corrupt !== undefined) throw page.corrupt;
      remaining -= page.events.length;
      after = page.scannedTo;
      if (remaining > 0 && after < head) await nextTurn();
    }
  }

  /** Events after `after` up to `upTo` (inclusive) that pass the filter, at most `limit` of them. */
  private readPage(after: number, upTo: number, filter: EventFilter | undefined, limit: number): Page {
    const { statement, params } = this.allQuery(filter);
    const rows = statement.all(after, upTo, ...params, limit);
    const scannedTo = rows.length < limit ? Math.max(after, upTo) : rows[rows.length - 1][0];
    const events: RecordedEvent[] = [];
    for (const row of rows) {
      try {
        events.push(toRecordedEvent(row));
      } catch (error) {
        if (!(error instanceof CorruptEventError)) throw error;
        // The events before it are delivered first: a reader stops exactly at it.
        return { events, scannedTo: row[0] - 1, corrupt: error };
      }
    }
    return { events, scannedTo };
  }

  private allQuery(filter: EventFilter | undefined): {
    statement: Database.Statement<unknown[], Row>;
    params: unknown[];
  } {
    const prefixes = filter?.streamPrefixes ?? [];
    const types = filter?.eventTypes ?? [];
    if (!Array.isArray(prefixes) || !prefixes.every((p) => typeof p === 'string')) {
      throw new Error('filter.streamPrefixes must be an array of strings');
    }
    if (!Array.isArray(types) || !types.every((t) => typeof t === 'string')) {
      throw new Error('filter.eventTypes must be an array of strings');
    }
    const key = `${prefixes.length}:${types.length}`;
    let statement = this.allQueries.get(key);
    if (statement === undefined) {
      const conditions = ['position > ?', 'position <= ?'];
      // Compared as UTF-8 bytes: exact for any prefix, unlike LIKE (case-insensitive, wildcards).
      if (filter?.streamPrefixes !== undefined) {
        conditions.push(
          `(${prefixes.map(() => 'substr(CAST(stream_id AS BLOB), 1, ?) = ?').join(' OR ') || 'FALSE'})`,
        );
      }
      if (filter?.eventTypes !== undefined) {
        conditions.push(`type IN (${types.map(() => '?').join(', ')})`);
      }
      statement = this.db
        .prepare<unknown[], Row>(
          `SELECT ${COLUMNS} FROM events WHERE ${conditions.join(' AND ')} ORDER BY position LIMIT ?`,
        )
        .raw();
      this.allQueries.set(key, statement);
    }
    const params: unknown[] = [];
    for (const prefix of prefixes) {
      const bytes = Buffer.from(prefix, 'utf8');
      params.push(bytes.length, bytes);
    }
    params.push(...types);
    return { statement, params };
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    if (this.closed) throw new Error('the event store is closed');
    const from = options.fromPosition === undefined ? 0 : parsePosition(options.fromPosition);
    this.allQuery(options.filter); // reject a malformed filter now rather than on the first read
    const subscription = new SqliteSubscription(this.subscriptionSource, from, options.filter, PAGE_SIZE);
    this.subscriptions.add(subscription);
    if (this.poller === undefined) {
      this.lastDataVersion = this.dataVersion.get() ?? 0;
      this.poller = setInterval(this.pollOtherConnections, this.pollIntervalMs).unref();
    }
    return subscription;
  }

  private readonly subscriptionSource: SubscriptionSource = {
    readPage: (after, filter, limit) => this.readPage(after, this.head(), filter, limit),
    generation: () => this.generation,
    waitForEvents: (seen, abort) => {
      if (seen !== this.generation || abort.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = (): void => {
          this.waiters.delete(done);
          abort.removeEventListener('abort', done);
          resolve();
        };
        this.waiters.add(done);
        abort.addEventListener('abort', done);
      });
    },
    release: (subscription) => {
      this.subscriptions.delete(subscription);
      if (this.subscriptions.size === 0 && this.poller !== undefined) {
        clearInterval(this.poller);
        this.poller = undefined;
      }
    },
  };

  private head(): number {
    return this.maxPosition.get() ?? 0;
  }

  private wake(): void {
    this.generation += 1;
    for (const waiter of [...this.waiters]) waiter();
  }

  private readonly pollOtherConnections = (): void => {
    // data_version changes only when another connection has committed to the file.
    const version = this.dataVersion.get() ?? 0;
    if (version !== this.lastDataVersion) {
      this.lastDataVersion = version;
      this.wake();
    }
  };

  headPosition(): Promise<string | null> {
    const head = this.maxPosition.get();
    return Promise.resolve(head === null || head === undefined ? null : String(head));
  }

  comparePositions(a: string, b: string): number {
    return parsePosition(a) - parsePosition(b);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.db.close();
  }
}
