import { ConsoleLogger, Logger } from '@nestjs/common';
import {
  ORDINANCE_STREAM_ID,
  violationStreamId,
  type ReviewStatus,
  type ViolationAct,
} from '@trust-ledger/domain';
import {
  SqliteEventStore,
  type AppendResult,
  type JsonObject,
  type RecordedEvent,
} from '@trust-ledger/event-store';
import {
  openReadModelDb,
  ProjectionRunner,
  readModelsPath,
  type Projection,
  type ReadModelDb,
} from '@trust-ledger/projections';
import {
  ViolationQueries,
  ViolationRegisterProjection,
  type RegisteredViolation,
} from '@trust-ledger/projections/violations';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeadlineScheduler } from '../../apps/api/src/scheduler/deadline-scheduler';
import { ManualClock } from '../../libs/domain/testing/manual-clock';
import type { ReplayOptions } from '../projections/support';

export const quietLogs = (): void => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));
};

export interface Appended {
  type: string;
  data: object;
}

/**
 * A real embedded store, read-model database, runner and scheduler in a fresh temporary directory,
 * with a ManualClock that the scheduler reads.
 */
export class Harness {
  readonly dir = mkdtempSync(join(tmpdir(), 'tl-violations-'));
  readonly store = new SqliteEventStore(join(this.dir, 'events.db'));
  readonly db: ReadModelDb = openReadModelDb(readModelsPath(this.dir));
  readonly clock = new ManualClock('2024-01-01T00:00:00Z');
  readonly register = new ViolationRegisterProjection();
  readonly runner: ProjectionRunner;
  readonly scheduler: DeadlineScheduler;
  private queriesCache: ViolationQueries | undefined;

  constructor(extra: Projection[] = [], replay: ReplayOptions = {}) {
    this.runner = new ProjectionRunner(this.store, this.db, [this.register, ...extra], {
      batchSize: 50,
      ...replay,
    });
    this.scheduler = new DeadlineScheduler(this.store, this.db, this.clock);
  }

  get queries(): ViolationQueries {
    this.queriesCache ??= new ViolationQueries(this.db);
    return this.queriesCache;
  }

  start(): this {
    this.runner.start();
    return this;
  }

  /** Appends events recorded at `recordedAt` (by `actor`) and returns them as recorded. */
  async append(
    streamId: string,
    events: Appended[],
    recordedAt: string,
    actor = 'officer-1',
  ): Promise<AppendResult> {
    return this.store.append(
      streamId,
      events.map((e) => ({
        id: randomUUID(),
        type: e.type,
        data: JSON.parse(JSON.stringify(e.data)) as JsonObject,
        metadata: { recordedAt, correlationId: randomUUID(), causationId: null, actor },
      })),
      { expectedRevision: 'any' },
    );
  }

  adopt(version: Appended, recordedAt: string): Promise<AppendResult> {
    return this.append(ORDINANCE_STREAM_ID, [version], recordedAt, 'admin-1');
  }

  /** Records counsel's review of `violationId`, naming `act` as the API does (none: as reviews
   * recorded before they named it). */
  review(
    violationId: string,
    status: ReviewStatus,
    note: string,
    reviewedAt: string,
    act?: ViolationAct,
  ): Promise<AppendResult> {
    return this.append(
      violationStreamId(violationId),
      [{ type: 'ViolationReviewed', data: { violationId, status, note, reviewedAt, ...act } }],
      reviewedAt,
      'counsel-1',
    );
  }

  /** What /health shows of the register beside its position. */
  async registerDetails(): Promise<JsonObject | undefined> {
    const statuses = await this.runner.status();
    return statuses.find((s) => s.name === this.register.name)?.details;
  }

  /** Lets the register catch up, moves the clock, runs the scheduler's tick, and waits for the
   * register to take in what it recorded. */
  async tickAt(now: string): Promise<number> {
    await this.caughtUp();
    this.clock.set(now);
    const due = await this.scheduler.tick();
    await this.caughtUp();
    return due;
  }

  async caughtUp(): Promise<void> {
    const head = await this.store.headPosition();
    if (head !== null) await this.runner.waitFor(head, 20_000);
  }

  async events(streamId?: string): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    for await (const e of streamId === undefined ? this.store.readAll() : this.store.readStream(streamId))
      out.push(e);
    return out;
  }

  violations(streamId?: string): RegisteredViolation[] {
    return this.queries.list(streamId === undefined ? {} : { streamId }, null, 500).items;
  }

  /** Every row of the register's tables, to compare whole states. */
  snapshot(): Record<string, unknown[]> {
    const tables = [
      'violations',
      'vr_streams',
      'vr_deadlines',
      'vr_ordinance',
      'vr_reports',
      'vr_events',
      'vr_unapplied_reviews',
    ];
    return Object.fromEntries(
      tables.map((t) => [t, this.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]),
    );
  }

  /** Rebuilds every projection, then the register alone: each must reach `incremental` again. */
  async expectRebuildsToReach(incremental: unknown, state: () => unknown): Promise<void> {
    await this.runner.rebuild();
    expect(state()).toEqual(incremental);
    await this.runner.rebuild('violation-register');
    expect(state()).toEqual(incremental);
  }

  async close(): Promise<void> {
    await this.scheduler.stop();
    await this.runner.stop();
    await this.store.close();
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
