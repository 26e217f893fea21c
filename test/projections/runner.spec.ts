import Database from 'better-sqlite3';
import { ConsoleLogger, Logger } from '@nestjs/common';
import type { EventFilter, RecordedEvent, SubscribeOptions, Subscription } from '@trust-ledger/event-store';
import {
  Checkpoints,
  ProjectionRunner,
  ProjectionsBehindError,
  type BatchCommitted,
  type Projection,
  type ReadModelDb,
} from '@trust-ledger/projections';
import { SqliteEventStore } from '@trust-ledger/event-store';
import { join } from 'node:path';
import { appendMany, event, interruptingReadAll, TempData } from './support';

/** Records every event it sees; the primary key turns a double application into a failure. */
class LedgerProjection implements Projection {
  /** Event types that make apply throw (after writing a row, to prove the write is undone). */
  poison = new Set<string>();
  /** How often apply was given a poisoned event. */
  poisonedAttempts = 0;
  constructor(
    readonly name = 'ledger',
    readonly version = 1,
    readonly filter?: EventFilter,
  ) {}

  setup(db: ReadModelDb): void {
    db.exec(
      `CREATE TABLE ${this.name} (event_id TEXT PRIMARY KEY, position INTEGER NOT NULL UNIQUE, type TEXT NOT NULL)`,
    );
  }
  drop(db: ReadModelDb): void {
    db.exec(`DROP TABLE IF EXISTS ${this.name}`);
  }
  apply(db: ReadModelDb, e: RecordedEvent): void {
    db.prepare(`INSERT INTO ${this.name} (event_id, position, type) VALUES (?, ?, ?)`).run(
      e.id,
      Number(e.position),
      e.type,
    );
    if (this.poison.has(e.type)) {
      this.poisonedAttempts += 1;
      throw new Error(`cannot apply ${e.type}`);
    }
  }

  rows(db: ReadModelDb): { event_id: string; position: number; type: string }[] {
    return db.prepare(`SELECT event_id, position, type FROM ${this.name} ORDER BY position`).all() as never;
  }
}

/** Holds its rows in memory until the runner flushes the batch, as the case view and register do. */
class HeldLedgerProjection extends LedgerProjection {
  private held: RecordedEvent[] = [];
  flushes = 0;
  override apply(_db: ReadModelDb, e: RecordedEvent): void {
    if (this.poison.has(e.type)) throw new Error(`cannot apply ${e.type}`);
    this.held.push(e);
  }
  flush(db: ReadModelDb): void {
    for (const e of this.held) super.apply(db, e);
    this.held = [];
    this.flushes += 1;
  }
  discard(): void {
    this.held = [];
  }
}

// The runner logs stops and moved checkpoints; these tests provoke both on purpose.
beforeAll(() => Logger.overrideLogger(false));
afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

/** Resolves at the first progress report (or at once) at which `done` holds. */
function progressUntil(runner: ProjectionRunner, done: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!done()) return;
      off();
      resolve();
    };
    const off = runner.onProgress(check);
    check();
  });
}

async function allEvents(data: TempData): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const e of data.store.readAll()) events.push(e);
  return events;
}

/** Each projection holds every event once, in log order, and stands at the head with no error. */
async function expectWhole(
  db: ReadModelDb,
  runner: ProjectionRunner,
  projections: LedgerProjection[],
  positions: number[],
  head: string,
): Promise<void> {
  for (const projection of projections) {
    expect(projection.rows(db).map((r) => r.position)).toEqual(positions);
  }
  expect(await runner.status()).toEqual(
    projections.map(({ name }) => expect.objectContaining({ name, position: head, error: null })),
  );
}

/** Five events, one that the 'failing' projection cannot apply, five more; 'healthy' applies all. */
async function poisonedLog(data: TempData) {
  const failing = new LedgerProjection('failing');
  failing.poison.add('Poison');
  const healthy = new LedgerProjection('healthy');
  await appendMany(data.store, 'case-a', 5);
  const poison = event('Poison');
  const { position: poisonPosition } = await data.store.append('case-a', [poison], {
    expectedRevision: 'any',
  });
  const head = await appendMany(data.store, 'case-a', 5);
  return { failing, healthy, poison, poisonPosition, head };
}

describe('ProjectionRunner', () => {
  let data: TempData;
  let runner: ProjectionRunner | undefined;

  beforeEach(() => {
    data = new TempData();
  });
  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    await data.close();
  });

  it('applies every event once and commits the checkpoint with the rows', async () => {
    const db = data.openDb();
    const ledger = new LedgerProjection();
    await appendMany(data.store, 'case-a', 30);
    runner = new ProjectionRunner(data.store, db, [ledger]);
    runner.start();
    const head = await appendMany(data.store, 'case-b', 20);
    await runner.waitFor(head, 10_000);

    const rows = ledger.rows(db);
    expect(rows.map((r) => r.event_id)).toEqual((await allEvents(data)).map((e) => e.id));
    expect(await runner.status()).toEqual([
      { name: 'ledger', version: 1, running: true, position: head, behind: false, lag: 0, error: null },
    ]);
  });

  it('commits in batches of at most batchSize events, each batch with its checkpoint', async () => {
    const db = data.openDb();
    const ledger = new LedgerProjection();
    const head = await appendMany(data.store, 'case-a', 25);
    runner = new ProjectionRunner(data.store, db, [ledger], { batchSize: 10 });
    const batches: BatchCommitted[] = [];
    const committedRows: { count: number; position: string }[] = [];
    runner.onProgress((progress) => {
      if (progress === null) return;
      batches.push(progress);
      // Read through another connection: what a crash right now would leave behind.
      const reader = data.openDb();
      const { count } = reader.prepare('SELECT count(*) AS count FROM ledger').get() as { count: number };
      const { position } = reader
        .prepare(`SELECT position FROM projection_checkpoints WHERE name = 'ledger'`)
        .get() as { position: string };
      committedRows.push({ count, position });
      reader.close();
    });
    runner.start();
    await runner.waitFor(head, 10_000);

    expect(batches.map((b) => b.applied)).toEqual([10, 10, 5]);
    expect(committedRows).toEqual([
      { count: 10, position: '10' },
      { count: 20, position: '20' },
      { count: 25, position: '25' },
    ]);
  });

  it('resumes from its checkpoint after a restart, in a new process as it were', async () => {
    const ledger = new LedgerProjection();
    const first = await appendMany(data.store, 'case-a', 40);
    runner = new ProjectionRunner(data.store, data.openDb(), [ledger]);
    runner.start();
    await runner.waitFor(first, 10_000);
    await runner.stop();

    const head = await appendMany(data.store, 'case-a', 15);
    const db = data.openDb();
    const applied: number[] = [];
    runner = new ProjectionRunner(data.store, db, [ledger]);
    runner.onProgress((p) => p && applied.push(p.applied));
    runner.start();
    await runner.waitFor(head, 10_000);

    expect(applied.reduce((a, b) => a + b, 0)).toBe(15);
    expect(ledger.rows(db)).toHaveLength(55);
  });

  it('never applies an event twice or skips one when stopped and restarted mid-stream, again and again', async () => {
    const db = data.openDb();
    const ledger = new LedgerProjection();
    const head = await appendMany(data.store, 'case-a', 600);
    runner = new ProjectionRunner(data.store, db, [ledger], { batchSize: 7 });
    let restarts = 0;
    while ((await runner.status())[0].position !== head) {
      runner.start();
      // Stop as soon as one more batch has committed, while the subscription is mid-page.
      let batches = 0;
      await progressUntil(runner, () => batches++ === 1);
      await runner.stop();
      restarts += 1;
    }
    expect(restarts).toBeGreaterThan(10);
    expect(ledger.rows(db).map((r) => r.event_id)).toEqual((await allEvents(data)).map((e) => e.id));
  });

  it('stops a failing projection at the event, undoes its partial write, and leaves the others running', async () => {
    const db = data.openDb();
    const { failing, healthy, poison, poisonPosition, head } = await poisonedLog(data);
    runner = new ProjectionRunner(data.store, db, [failing, healthy]);
    runner.start();

    const error = await runner.waitFor(head, 10_000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProjectionsBehindError);
    const [failingStatus] = (error as ProjectionsBehindError).lag;
    expect(failingStatus).toMatchObject({
      name: 'failing',
      position: '5',
      behind: true,
      lag: 6,
      error: { message: 'cannot apply Poison', eventId: poison.id, position: poisonPosition },
    });
    expect(failing.rows(db).map((r) => r.position)).toEqual([1, 2, 3, 4, 5]);

    // The healthy one is not held back.
    await progressUntil(runner, () => healthy.rows(db).length === 11);
    const statuses = await runner.status();
    expect(statuses[1]).toMatchObject({ name: 'healthy', position: head, error: null });

    // Restarting retries the event: still poisoned, still stopped at the same place.
    await runner.stop();
    runner = new ProjectionRunner(data.store, data.openDb(), [failing, healthy]);
    runner.start();
    await expect(runner.waitFor(head, 10_000)).rejects.toBeInstanceOf(ProjectionsBehindError);
    expect((await runner.status())[0]).toMatchObject({ position: '5', error: { eventId: poison.id } });

    // Once the projection is fixed, a restart carries on from the event that failed.
    await runner.stop();
    failing.poison.clear();
    runner = new ProjectionRunner(data.store, data.openDb(), [failing, healthy]);
    runner.start();
    await runner.waitFor(head, 10_000);
    expect(failing.rows(db)).toHaveLength(11);
    expect((await runner.status())[0]).toMatchObject({ position: head, error: null });
  });

  it('stops every projection at an event altered into something that is not JSON, and says where', async () => {
    const db = data.openDb();
    await appendMany(data.store, 'case-a', 5);
    const head = await appendMany(data.store, 'case-b', 5);
    const raw = new Database(join(data.dir, 'events.db'));
    raw.prepare("UPDATE events SET metadata = 'x' WHERE position = 7").run();
    raw.close();
    const ledger = new LedgerProjection();
    runner = new ProjectionRunner(data.store, db, [ledger]);
    runner.start();

    // Stopped, not retrying the read for ever: the read would only fail again.
    await expect(runner.waitFor(head, 10_000)).rejects.toBeInstanceOf(ProjectionsBehindError);
    const [status] = await runner.status();
    expect(status).toMatchObject({
      running: false,
      error: {
        position: '7',
        // Not the position (API.md: opaque): the message reaches clients, the position has its field.
        message: expect.stringMatching(/^the stored event [0-9a-f-]{36} \(case-b revision 1\)/),
      },
    });
    expect(ledger.rows(db).map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6]);
    // Another process (the CLI's `projections status`) reads it from the checkpoint row.
    const other = new ProjectionRunner(data.store, data.openDb(), [new LedgerProjection()]);
    expect((await other.status())[0]).toMatchObject({ position: '6', error: { position: '7' } });
    // And a wait there gives up at once: no wait outlasts an error (the test's timeout is shorter).
    await expect(other.waitFor(head, 60_000)).rejects.toBeInstanceOf(ProjectionsBehindError);
  });

  it('commits a projection that holds rows until flush up to the failing event of a batch, once each', async () => {
    const db = data.openDb();
    const held = new HeldLedgerProjection('held');
    held.poison.add('Poison');
    await appendMany(data.store, 'case-a', 5);
    const poison = event('Poison');
    await data.store.append('case-a', [poison], { expectedRevision: 'any' });
    const head = await appendMany(data.store, 'case-a', 5);
    runner = new ProjectionRunner(data.store, db, [held], { batchSize: 100 });
    runner.start();

    await expect(runner.waitFor(head, 10_000)).rejects.toBeInstanceOf(ProjectionsBehindError);
    // The batch of 11 failed as a whole, then went event by event: five rows, flushed one by one.
    expect(held.rows(db).map((r) => r.position)).toEqual([1, 2, 3, 4, 5]);
    expect((await runner.status())[0]).toMatchObject({ position: '5', error: { eventId: poison.id } });

    await runner.stop();
    held.poison.clear();
    runner = new ProjectionRunner(data.store, data.openDb(), [held], { batchSize: 100 });
    runner.start();
    await runner.waitFor(head, 10_000);
    expect(held.rows(db).map((r) => r.position)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('rebuilds every projection from one read of the log, flushing once per large batch', async () => {
    const db = data.openDb();
    const held = new HeldLedgerProjection('held');
    const plain = new LedgerProjection('plain');
    const head = await appendMany(data.store, 'case-a', 120);
    runner = new ProjectionRunner(data.store, db, [held, plain], { batchSize: 10 });
    await runner.rebuild();
    const ids = (await allEvents(data)).map((e) => e.id);
    expect(held.rows(db).map((r) => r.event_id)).toEqual(ids);
    expect(plain.rows(db).map((r) => r.event_id)).toEqual(ids);
    // Not 12 batches of 10 each: the rebuild's replay read all 120 in one batch.
    expect(held.flushes).toBe(1);
    expect(await runner.status()).toEqual([
      expect.objectContaining({ name: 'held', position: head, error: null }),
      expect.objectContaining({ name: 'plain', position: head, error: null }),
    ]);
  });

  it('commits a rebuild a few batches at a time, reporting their progress only once committed', async () => {
    const db = data.openDb();
    // Another connection sees only what is committed.
    const committed = new Checkpoints(data.openDb());
    const seenAtFlush: (string | null)[] = [];
    const held = new (class extends HeldLedgerProjection {
      override flush(on: ReadModelDb): void {
        seenAtFlush.push(committed.get('held')?.position ?? null);
        super.flush(on);
      }
    })('held');
    const head = await appendMany(data.store, 'case-a', 120);
    const positions = (await allEvents(data)).map((e) => e.position);
    runner = new ProjectionRunner(data.store, db, [held], { replayBatchSize: 10, replayBatchesPerCommit: 3 });
    const reported: { position: string | null; committed: string | null }[] = [];
    runner.onProgress((progress) => {
      if (progress !== null) {
        reported.push({ position: progress.position, committed: committed.get('held')?.position ?? null });
      }
    });
    await runner.rebuild();

    expect(held.flushes).toBe(12);
    // Batches 1-3 flush before anything is committed, 4-6 after the first 30 events, and so on.
    expect(seenAtFlush).toEqual(
      Array.from({ length: 12 }, (_, i) => (i < 3 ? null : positions[30 * Math.floor(i / 3) - 1])),
    );
    expect(reported.map((r) => r.position)).toEqual(positions.filter((_, i) => i % 10 === 9));
    for (const { position, committed: durable } of reported) {
      expect(Number(durable)).toBeGreaterThanOrEqual(Number(position));
    }
    await expectWhole(db, runner, [held], positions.map(Number), head);
  });

  it('finishes a rebuild by following the log when SQLite abandons the transaction of a replay', async () => {
    const db = data.openDb();
    const committed = new Checkpoints(data.openDb());
    const ledger = new HeldLedgerProjection('ledger');
    let sabotaged = false;
    // Fails as SQLite does on an I/O error or a full disk: the whole transaction is gone.
    const saboteur = new (class extends HeldLedgerProjection {
      override flush(on: ReadModelDb): void {
        if (this.flushes === 4 && !sabotaged) {
          sabotaged = true;
          on.exec('ROLLBACK');
          throw new Error('disk I/O error');
        }
        super.flush(on);
      }
    })('saboteur');
    const head = await appendMany(data.store, 'case-a', 60);
    const positions = (await allEvents(data)).map((e) => Number(e.position));
    runner = new ProjectionRunner(data.store, db, [ledger, saboteur], {
      replayBatchSize: 10,
      replayBatchesPerCommit: 3,
    });
    const reported: { projection: string; position: string | null; committed: string | null }[] = [];
    runner.onProgress((progress) => {
      if (progress === null) return;
      const durable = committed.get(progress.projection)?.position ?? null;
      reported.push({ projection: progress.projection, position: progress.position, committed: durable });
    });
    await runner.rebuild();

    expect(sabotaged).toBe(true);
    // The second group's batches were lost with the transaction: neither projection reported them
    // before following the log committed them again.
    for (const { position, committed: durable } of reported) {
      expect(Number(durable)).toBeGreaterThanOrEqual(Number(position));
    }
    await expectWhole(db, runner, [ledger, saboteur], positions, head);
  });

  it('finishes a rebuild by following the log when a commit of its replay fails', async () => {
    const db = data.openDb();
    db.pragma('foreign_keys = ON');
    let broken = false;
    // Its fifth flush leaves a row whose deferred foreign key fails the commit of the second group.
    const dangling = new (class extends HeldLedgerProjection {
      override setup(on: ReadModelDb): void {
        super.setup(on);
        on.exec(
          `CREATE TABLE dangling (ref TEXT REFERENCES ledger_missing (id) DEFERRABLE INITIALLY DEFERRED)`,
        );
        on.exec('CREATE TABLE ledger_missing (id TEXT PRIMARY KEY)');
      }
      override drop(on: ReadModelDb): void {
        super.drop(on);
        on.exec('DROP TABLE IF EXISTS dangling; DROP TABLE IF EXISTS ledger_missing');
      }
      override flush(on: ReadModelDb): void {
        if (this.flushes === 4 && !broken) {
          broken = true;
          on.prepare('INSERT INTO dangling (ref) VALUES (?)').run('nowhere');
        }
        super.flush(on);
      }
    })('dangling_ledger');
    const ledger = new LedgerProjection('ledger');
    const head = await appendMany(data.store, 'case-a', 90);
    const positions = (await allEvents(data)).map((e) => Number(e.position));
    runner = new ProjectionRunner(data.store, db, [dangling, ledger], {
      replayBatchSize: 10,
      replayBatchesPerCommit: 3,
    });
    const warn = jest.spyOn(Logger.prototype, 'warn');
    await runner.rebuild();

    expect(broken).toBe(true);
    // Back at their committed checkpoints at once, the workers do not take the rollback for another
    // process moving them.
    const warnings = warn.mock.calls.map(([message]) => String(message));
    warn.mockRestore();
    expect(warnings).toEqual([expect.stringContaining('rolled back, following instead')]);
    expect(db.prepare('SELECT count(*) AS n FROM dangling').get()).toEqual({ n: 0 });
    await expectWhole(db, runner, [dangling, ledger], positions, head);
  });

  it.each([
    ['in one batch', {}],
    // The poison is the 6th event: in the last batch of the first group of three.
    [
      'in the last of a group of batches committed together',
      { replayBatchSize: 2, replayBatchesPerCommit: 3 },
    ],
  ])(
    'ends a rebuild at the event a projection fails on (%s), tried once, and rebuilds the others',
    async (_, options) => {
      const db = data.openDb();
      const { failing, healthy, poison, head } = await poisonedLog(data);
      runner = new ProjectionRunner(data.store, db, [failing, healthy], options);

      const error = await runner.rebuild().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ProjectionsBehindError);
      expect(await runner.status()).toEqual([
        expect.objectContaining({
          name: 'failing',
          position: '5',
          error: expect.objectContaining({ eventId: poison.id }),
        }),
        expect.objectContaining({ name: 'healthy', position: head, error: null }),
      ]);
      expect(failing.rows(db).map((r) => r.position)).toEqual([1, 2, 3, 4, 5]);
      expect(healthy.rows(db)).toHaveLength(11);
      // Once in the replay's batch, once on its own to commit the events before it; not again by
      // following the log straight after the replay.
      expect(failing.poisonedAttempts).toBe(2);
    },
  );

  it('relaxes WAL checkpoints and syncs during a rebuild replay only, and restores both after', async () => {
    const db = data.openDb();
    const seen: { autocheckpoint: unknown; synchronous: unknown }[] = [];
    const ledger = new (class extends LedgerProjection {
      override apply(on: ReadModelDb, e: RecordedEvent): void {
        seen.push({
          autocheckpoint: on.pragma('wal_autocheckpoint', { simple: true }),
          synchronous: on.pragma('synchronous', { simple: true }),
        });
        super.apply(on, e);
      }
    })();
    await appendMany(data.store, 'case-a', 20);
    const everyday = {
      autocheckpoint: db.pragma('wal_autocheckpoint', { simple: true }),
      synchronous: db.pragma('synchronous', { simple: true }),
    };
    expect(everyday).toEqual({ autocheckpoint: 1000, synchronous: 2 }); // FULL
    runner = new ProjectionRunner(data.store, db, [ledger]);
    await runner.rebuild();
    expect(seen).toHaveLength(20);
    for (const pragmas of seen) expect(pragmas).toEqual({ autocheckpoint: 50_000, synchronous: 1 }); // NORMAL
    // Following applies at the everyday settings again.
    runner.start();
    const head = await appendMany(data.store, 'case-a', 1);
    await runner.waitFor(head, 5000);
    expect(seen.at(-1)).toEqual(everyday);
  });

  it('finishes a rebuild by following the log when its one read of the log fails', async () => {
    const db = data.openDb();
    const ledger = new LedgerProjection();
    const head = await appendMany(data.store, 'case-a', 30);
    let failed = false;
    const flaky = interruptingReadAll(data.store, 10, () => {
      failed = true;
      return Promise.reject(new Error('connection reset'));
    });
    runner = new ProjectionRunner(flaky, db, [ledger]);
    await runner.rebuild();
    expect(failed).toBe(true);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(ledger.rows(db).map((r) => r.event_id)).toEqual((await allEvents(data)).map((e) => e.id));
    expect((await runner.status())[0]).toMatchObject({ position: head, error: null });
  });

  it('waits out another process that holds the database past the busy timeout, instead of stopping', async () => {
    const db = data.openDb();
    db.pragma('busy_timeout = 20');
    // A CLI rebuild, say, in the middle of a transaction of several batches.
    const other = data.openDb();
    const ledger = new LedgerProjection();
    runner = new ProjectionRunner(data.store, db, [ledger]);
    runner.start();
    await runner.waitFor(await appendMany(data.store, 'case-a', 5), 5000);
    other.exec('BEGIN IMMEDIATE');
    // Several busy timeouts pass while the lock is held: the runner says so at each.
    let busy = 0;
    let thriceBusy!: () => void;
    const timedOut = new Promise<void>((resolve) => (thriceBusy = resolve));
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation((message) => {
      if (String(message).includes('database busy') && ++busy === 3) thriceBusy();
    });
    const head = await appendMany(data.store, 'case-a', 5);
    await timedOut;
    warn.mockRestore();
    expect((await runner.status())[0]).toMatchObject({ running: true, position: '5', error: null });
    other.exec('COMMIT');
    await runner.waitFor(head, 5000);
    expect((await runner.status())[0]).toMatchObject({ running: true, position: head, error: null });
    expect(ledger.rows(db)).toHaveLength(10);
  });

  it('follows again from its checkpoint when the subscription fails (a dropped connection)', async () => {
    const db = data.openDb();
    const ledger = new LedgerProjection();
    const head = await appendMany(data.store, 'case-a', 10);
    let failures = 1;
    /** The first subscription delivers three events, then fails. */
    const flaky = new Proxy(data.store, {
      get(target, property) {
        if (property === 'subscribeToAll') {
          return (options?: SubscribeOptions): Subscription => {
            const subscription = target.subscribeToAll(options);
            if (failures-- <= 0) return subscription;
            return {
              close: () => subscription.close(),
              async *[Symbol.asyncIterator]() {
                let delivered = 0;
                for await (const e of subscription) {
                  if (delivered++ === 3) throw new Error('connection reset');
                  yield e;
                }
              },
            };
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    runner = new ProjectionRunner(flaky, db, [ledger], { batchSize: 2 });
    runner.start();
    await runner.waitFor(head, 10_000);
    expect(failures).toBeLessThan(0);
    expect(ledger.rows(db).map((r) => r.event_id)).toEqual((await allEvents(data)).map((e) => e.id));
  });

  it('moves the checkpoint past events its filter excludes, so waitFor and lag see them', async () => {
    const db = data.openDb();
    const ledger = new LedgerProjection('cases_only', 1, { streamPrefixes: ['case-'] });
    await appendMany(data.store, 'case-a', 3);
    const head = await appendMany(data.store, 'matter-a', 4);
    runner = new ProjectionRunner(data.store, db, [ledger]);
    runner.start();
    await runner.waitFor(head, 10_000);
    expect(ledger.rows(db).map((r) => r.position)).toEqual([1, 2, 3]);
    expect((await runner.status())[0]).toMatchObject({ position: head, lag: 0 });
  });

  it('times out waiting with the lag of each projection', async () => {
    const db = data.openDb();
    runner = new ProjectionRunner(data.store, db, [new LedgerProjection()]);
    runner.start();
    await runner.waitFor(await appendMany(data.store, 'case-a', 2), 10_000);
    await runner.stop();
    const head = await appendMany(data.store, 'case-a', 3);

    await expect(runner.waitFor(head, 20)).rejects.toMatchObject({
      position: head,
      lag: [{ name: 'ledger', position: '2', behind: true, lag: 3, running: false }],
    });
    expect(() => runner!.waitFor('not-a-position', 20)).toThrow();
  });

  it('rebuilds from the log to the same rows, and rebuilds on start when the version changes', async () => {
    const db = data.openDb();
    const ledger = new LedgerProjection();
    const head = await appendMany(data.store, 'case-a', 1200);
    runner = new ProjectionRunner(data.store, db, [ledger], { batchSize: 100 });
    runner.start();
    await runner.waitFor(head, 10_000);
    const incremental = ledger.rows(db);

    db.prepare('DELETE FROM ledger WHERE position > 600').run(); // damage it
    await runner.rebuild('ledger');
    expect(ledger.rows(db)).toEqual(incremental);
    expect((await runner.status())[0]).toMatchObject({ position: head, running: true });
    await expect(runner.rebuild('nope')).rejects.toThrow(
      'no projection named "nope"; the projections are ledger',
    );
    await runner.stop();

    // A runner that is not started rebuilds, then stops again.
    db.prepare('DELETE FROM ledger').run();
    runner = new ProjectionRunner(data.store, db, [ledger]);
    await runner.rebuild();
    expect(ledger.rows(db)).toEqual(incremental);
    expect((await runner.status())[0]).toMatchObject({ position: head, running: false });

    // Same version: the damaged table stays as it is (nothing to replay)...
    db.prepare('DELETE FROM ledger').run();
    runner = new ProjectionRunner(data.store, db, [ledger]);
    runner.start();
    await runner.waitFor(head, 10_000);
    expect(ledger.rows(db)).toEqual([]);
    await runner.stop();
    // ...a new version drops and replays it.
    const v2 = new LedgerProjection('ledger', 2);
    runner = new ProjectionRunner(data.store, db, [v2]);
    runner.start();
    await runner.waitFor(head, 10_000);
    expect(v2.rows(db)).toEqual(incremental);
    expect((await runner.status())[0]).toMatchObject({ version: 2, position: head });
  });

  it('rebuilds on start when the log no longer holds the event at its checkpoint (a log restored from a backup)', async () => {
    const ledger = new LedgerProjection();
    const idsIn = async (store: SqliteEventStore): Promise<string[]> => {
      const ids: string[] = [];
      for await (const e of store.readAll()) ids.push(e.id);
      return ids;
    };
    const followed = async (store: SqliteEventStore, db: ReadModelDb): Promise<string[]> => {
      runner = new ProjectionRunner(store, db, [ledger]);
      runner.start();
      await runner.waitFor((await store.headPosition())!, 10_000);
      await runner.stop();
      return ledger.rows(db).map((r) => r.event_id);
    };
    // The backup holds two events; the read model went on to see three more.
    const backedUp = [event('Ticked'), event('Ticked')];
    await data.store.append('case-a', backedUp, { expectedRevision: 'no_stream' });
    await appendMany(data.store, 'case-a', 3);
    const db = data.openDb();
    expect(await followed(data.store, db)).toHaveLength(5);

    // Restored, then written to past the old checkpoint: other events stand at its positions.
    const restored = new SqliteEventStore(join(data.dir, 'restored.db'));
    await restored.append('case-a', backedUp, { expectedRevision: 'no_stream' });
    await appendMany(restored, 'case-b', 4);
    expect(await followed(restored, db)).toEqual(await idsIn(restored));
    await restored.close();

    // Restored and not written to: the checkpoint stands past the log's head.
    const again = new SqliteEventStore(join(data.dir, 'again.db'));
    await again.append('case-a', backedUp, { expectedRevision: 'no_stream' });
    expect((await new ProjectionRunner(again, db, [ledger]).status())[0].error).toEqual({
      message:
        "its checkpoint is past the log's head: the log was restored or replaced; the projection rebuilds when the service starts",
      eventId: null,
      position: '6',
    });
    expect(await followed(again, db)).toEqual(backedUp.map((e) => e.id));
    await again.close();
  });

  it('reads a checkpoint saved before it kept its last event, and keeps it from the next commit', () => {
    const db = data.openDb();
    db.exec(`CREATE TABLE projection_checkpoints (name TEXT PRIMARY KEY, version INTEGER NOT NULL,
      position TEXT, error_message TEXT, error_event_id TEXT, error_position TEXT) STRICT;
      INSERT INTO projection_checkpoints (name, version, position) VALUES ('ledger', 1, '2')`);
    const checkpoints = new Checkpoints(db);
    expect(checkpoints.get('ledger')).toEqual({ version: 1, position: '2', last: null, error: null });
    const last = { id: 'e-2', streamId: 'case-a', revision: 1 };
    checkpoints.save('ledger', { version: 1, position: '2', last, error: null });
    expect(new Checkpoints(db).get('ledger')).toEqual({ version: 1, position: '2', last, error: null });
  });

  it('follows a checkpoint another process moved instead of writing over it (two runners, one file)', async () => {
    const db = data.openDb();
    const first = new LedgerProjection();
    const second = new ProjectionRunner(data.store, data.openDb(), [new LedgerProjection()], {
      batchSize: 13,
    });
    runner = new ProjectionRunner(data.store, db, [first], { batchSize: 11 });
    runner.start();
    second.start();
    try {
      let head = '';
      for (let i = 0; i < 10; i++) head = await appendMany(data.store, `case-${i}`, 40);
      await Promise.all([runner.waitFor(head, 10_000), second.waitFor(head, 10_000)]);
      expect(first.rows(db).map((r) => r.event_id)).toEqual((await allEvents(data)).map((e) => e.id));

      // A rebuild by the other process resets the checkpoint under this one, which follows it.
      await second.rebuild('ledger');
      head = await appendMany(data.store, 'case-z', 30);
      await runner.waitFor(head, 10_000);
      expect(first.rows(db).map((r) => r.event_id)).toEqual((await allEvents(data)).map((e) => e.id));
      expect((await runner.status())[0].error).toBeNull();
    } finally {
      await second.stop();
    }
  });

  it('has not reached a position once another process reset the checkpoint, with nothing new to apply', async () => {
    const db = data.openDb();
    runner = new ProjectionRunner(data.store, db, [new LedgerProjection()]);
    runner.start();
    const head = await appendMany(data.store, 'case-a', 20);
    await runner.waitFor(head, 10_000);

    // A CLI rebuild has just dropped the tables and reset the checkpoint; its replay has not run yet.
    const other = data.openDb();
    const checkpoints = new Checkpoints(other);
    const stored = checkpoints.get('ledger')!;
    checkpoints.save('ledger', { ...stored, position: null, last: null });
    // A wait that gives up at once: nothing the runner applies or polls can bring it nearer.
    await expect(runner.waitFor(head, 0)).rejects.toBeInstanceOf(ProjectionsBehindError);

    // The other process's replay reaches the head while a read waits (it has looked once, in
    // vain): the wait sees it.
    const waiting = runner.waitFor(head, 5_000);
    checkpoints.save('ledger', stored);
    await waiting;
    other.close();
  });
});
