import { existsSync, readFileSync } from 'node:fs';
import { ConsoleLogger, Logger } from '@nestjs/common';
import type { RecordedEvent } from '@trust-ledger/event-store';
import {
  ProjectionRunner,
  readModelsPath,
  type Projection,
  type ReadModelDb,
} from '@trust-ledger/projections';
import { appendMany, event, TempData } from './support';

/** A name found nowhere else, so that finding it in a file means the person's data is there. */
const NAME = 'Wilhelmina Ravensworth-Adeyemi';

/** Keeps a person's name in clear until their erasure rewrites it, as rows recorded before sealing did. */
class PeopleProjection implements Projection {
  readonly name = 'people';
  readonly version = 1;
  setup(db: ReadModelDb): void {
    db.exec('CREATE TABLE people (id TEXT PRIMARY KEY, name TEXT NOT NULL)');
  }
  drop(db: ReadModelDb): void {
    db.exec('DROP TABLE IF EXISTS people');
  }
  apply(db: ReadModelDb, e: RecordedEvent): void {
    if (e.type === 'PersonRecorded') {
      db.prepare('INSERT INTO people (id, name) VALUES (?, ?)').run(e.streamId, e.data.name);
    } else if (e.type === 'PersonalDataErased') {
      db.prepare(`UPDATE people SET name = '[erased]' WHERE id = ?`).run(e.streamId);
    }
  }
}

beforeAll(() => Logger.overrideLogger(false));
afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

describe("emptying the read models' WAL after an erasure", () => {
  let data: TempData;
  const runners: ProjectionRunner[] = [];
  /** Another process reading read-models.db (a backup's snapshot, a sqlite3 shell). */
  let reader: ReadModelDb;
  /** Looks at the marks outside the reader's snapshot. */
  let looker: ReadModelDb;

  const run = (db: ReadModelDb): ProjectionRunner => {
    const runner = new ProjectionRunner(data.store, db, [new PeopleProjection()], {
      replayBatchSize: 1,
      replayBatchesPerCommit: 1,
    });
    runners.push(runner);
    return runner;
  };
  const holdRead = (): void => {
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM people').get();
  };
  /** The files of read-models.db holding the person's name. */
  const holding = (): string[] =>
    ['', '-wal'].flatMap((suffix) => {
      const file = `${readModelsPath(data.dir)}${suffix}`;
      return existsSync(file) && readFileSync(file).includes(NAME) ? [`read-models.db${suffix}`] : [];
    });
  const marks = (): number =>
    looker.prepare<[], number>('SELECT count(*) FROM wal_holds_erased').pluck().get()!;
  const record = (): Promise<{ position: string }> =>
    data.store.append('person-1', [event('PersonRecorded', { name: NAME })], { expectedRevision: 'any' });
  const erase = (): Promise<{ position: string }> =>
    data.store.append('person-1', [event('PersonalDataErased')], { expectedRevision: 'any' });

  beforeEach(() => {
    data = new TempData();
    reader = data.openDb();
    looker = data.openDb();
  });
  afterEach(async () => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    await Promise.all(runners.splice(0).map((runner) => runner.stop()));
    await data.close();
  });

  it('waits for no reader, tries again on a backed-off timer rather than after each batch, and empties it once the reader lets go', async () => {
    // Timeouts alone: the store and the runner's following turn on setImmediate and setInterval.
    jest.useFakeTimers({
      doNotFake: [
        'nextTick',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'hrtime',
        'performance',
      ],
    });
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    const logs = jest.spyOn(Logger.prototype, 'log');
    const db = data.openDb();
    // The busy timeout SQLite applies to each truncating checkpoint the runner makes.
    const waits: number[] = [];
    const pragma = db.pragma.bind(db);
    jest.spyOn(db, 'pragma').mockImplementation((source: string, options?: { simple?: boolean }) => {
      if (source.startsWith('wal_checkpoint')) waits.push(pragma('busy_timeout', { simple: true }) as number);
      return pragma(source, options);
    });
    const runner = run(db);
    runner.start();
    await runner.waitFor((await record()).position, Infinity);
    holdRead();

    await runner.waitFor((await erase()).position, Infinity);
    expect(waits).toEqual([0]);
    expect(pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(holding()).toContain('read-models.db-wal');
    // Batches committed meanwhile leave it to the timer.
    await runner.waitFor(await appendMany(data.store, 'ticks', 30), Infinity);
    expect(waits).toEqual([0]);
    // Tried again after 250 ms, then 500, 1 s, 2 s, 4 s, 8 s: pending 15.75 s, it says so, once.
    for (const ms of [250, 500, 1000, 2000, 4000, 8000]) await jest.advanceTimersByTimeAsync(ms);
    expect(waits).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(
      warnings.mock.calls.filter(([message]) => /may still hold what an erasure/.test(String(message))),
    ).toHaveLength(1);
    expect(marks()).toBe(1);

    reader.exec('COMMIT');
    await jest.advanceTimersByTimeAsync(16_000);
    expect(waits).toHaveLength(8);
    expect(marks()).toBe(0);
    expect(holding()).toEqual([]);
    expect(logs.mock.calls.filter(([message]) => /emptied of an erasure/.test(String(message)))).toHaveLength(
      1,
    );
    // Emptied, it is not tried again.
    await jest.advanceTimersByTimeAsync(60_000);
    await runner.waitFor(await appendMany(data.store, 'ticks', 3), Infinity);
    expect(waits).toHaveLength(8);
  });

  it('keeps the need in read-models.db past a process that could not empty it, for the next runner to', async () => {
    const first = data.openDb();
    const runner = run(first);
    runner.start();
    await runner.waitFor((await record()).position, Infinity);
    holdRead();
    await runner.waitFor((await erase()).position, Infinity);
    await runner.stop();
    first.close();
    expect(marks()).toBe(1);
    expect(holding()).toContain('read-models.db-wal');
    reader.exec('COMMIT');

    // Another process, later: nothing left for it to apply, it empties the WAL as it starts.
    run(data.openDb()).start();
    expect(marks()).toBe(0);
    expect(holding()).toEqual([]);
  });

  it('empties it at the end of a rebuild whose last batch applied the erasure', async () => {
    const runner = run(data.openDb());
    runner.start();
    await record();
    await runner.waitFor((await erase()).position, Infinity);
    expect(holding()).toEqual([]);

    // One event a commit: the name reaches the WAL before the erasure rewrites it, and nothing
    // follows the replay to empty it later.
    await runner.rebuild();
    expect(marks()).toBe(0);
    expect(holding()).toEqual([]);
  });
});
