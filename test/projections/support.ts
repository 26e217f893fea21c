import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  SqliteEventStore,
  type EventStore,
  type EventToAppend,
  type JsonObject,
} from '@trust-ledger/event-store';
import {
  openReadModelDb,
  readModelsPath,
  type ProjectionRunnerOptions,
  type ReadModelDb,
} from '@trust-ledger/projections';

/** A real embedded store and read-model database in a fresh temporary DATA_DIR. */
export class TempData {
  readonly dir = mkdtempSync(join(tmpdir(), 'tl-projections-'));
  readonly store = new SqliteEventStore(join(this.dir, 'events.db'));
  private readonly dbs: ReadModelDb[] = [];

  /** A new connection to DATA_DIR/read-models.db (as another process would open it). */
  openDb(): ReadModelDb {
    const db = openReadModelDb(readModelsPath(this.dir));
    this.dbs.push(db);
    return db;
  }

  async close(): Promise<void> {
    await this.store.close();
    for (const db of this.dbs) if (db.open) db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function event(
  type: string,
  data: JsonObject = {},
  recordedAt = '2024-01-01T00:00:00Z',
): EventToAppend {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: { recordedAt, correlationId: randomUUID(), causationId: null, actor: 'test' },
  };
}

/** Appends `count` events of `type` to `stream` (in appends of up to 100) and returns the last position. */
export async function appendMany(
  store: SqliteEventStore,
  stream: string,
  count: number,
  type = 'Ticked',
): Promise<string> {
  let position = '';
  for (let done = 0; done < count; done += 100) {
    const events = Array.from({ length: Math.min(100, count - done) }, (_, i) =>
      event(type, { i: done + i }),
    );
    ({ position } = await store.append(stream, events, { expectedRevision: 'any' }));
  }
  return position;
}

/** How a rebuild's replay batches its events. */
export type ReplayOptions = Pick<ProjectionRunnerOptions, 'replayBatchSize' | 'replayBatchesPerCommit'>;

/** Replay batches small enough to end inside streams, committed one to three at a time. */
export const replayOptions: fc.Arbitrary<ReplayOptions> = fc.record({
  replayBatchSize: fc.integer({ min: 1, max: 8 }),
  replayBatchesPerCommit: fc.integer({ min: 1, max: 3 }),
});

/** Every row of every table, in a stable order: the whole read-model state. */
export function snapshot(db: ReadModelDb): Record<string, unknown[]> {
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .pluck()
    .all() as string[];
  return Object.fromEntries(
    tables.map((table) => {
      const columns = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map(
        (c) => c.name,
      );
      return [
        table,
        db.prepare(`SELECT * FROM ${table} ORDER BY ${columns.map((_, i) => i + 1).join(', ')}`).all(),
      ];
    }),
  );
}

/**
 * The store, but its one read of the log awaits `interrupt` instead of yielding its event number
 * `at` (from 0): a read that fails (`interrupt` throws) or a process that dies there (it never
 * settles).
 */
export function interruptingReadAll(
  store: EventStore,
  at: number,
  interrupt: () => Promise<void>,
): EventStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'readAll') {
        return async function* () {
          let read = 0;
          for await (const e of target.readAll()) {
            if (read++ === at) await interrupt();
            yield e;
          }
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
