import type { ReadModelDb } from './projection';

/** Why a projection stopped: the event it could not apply (null when no event was at fault, e.g. the
 * read-model database itself failed). */
export interface ProjectionError {
  message: string;
  eventId: string | null;
  position: string | null;
}

/** The event a checkpoint's position is that of, so that a log it is no longer in can be told. */
interface LastEvent {
  id: string;
  streamId: string;
  revision: number;
}

export interface Checkpoint {
  version: number;
  /** Last position applied (or skipped by the filter); `null` before the first event. */
  position: string | null;
  /** The event at `position` (null before the first, and for checkpoints saved before it was kept). */
  last?: LastEvent | null;
  error: ProjectionError | null;
}

type Row = {
  version: number;
  position: string | null;
  last_event_id: string | null;
  last_stream_id: string | null;
  last_revision: number | null;
  error_message: string | null;
  error_event_id: string | null;
  error_position: string | null;
};

/** One row per projection, in the same database as its tables, so both change in one transaction. */
export class Checkpoints {
  private readonly selectOne;
  private readonly upsert;

  constructor(db: ReadModelDb) {
    db.exec(`CREATE TABLE IF NOT EXISTS projection_checkpoints (
      name           TEXT PRIMARY KEY,
      version        INTEGER NOT NULL,
      position       TEXT,
      error_message  TEXT,
      error_event_id TEXT,
      error_position TEXT
    ) STRICT`);
    // Files from before the last event was kept gain its columns (null until the next commit).
    const columns = new Set(
      db.prepare<[], string>("SELECT name FROM pragma_table_info('projection_checkpoints')").pluck().all(),
    );
    if (!columns.has('last_event_id')) {
      // Looked at again under the write lock: another process may be adding them too.
      db.transaction(() => {
        const has = db
          .prepare<[], number>(
            "SELECT 1 FROM pragma_table_info('projection_checkpoints') WHERE name = 'last_event_id'",
          )
          .pluck()
          .get();
        if (has !== undefined) return;
        db.exec(`ALTER TABLE projection_checkpoints ADD COLUMN last_event_id TEXT;
          ALTER TABLE projection_checkpoints ADD COLUMN last_stream_id TEXT;
          ALTER TABLE projection_checkpoints ADD COLUMN last_revision INTEGER;`);
      }).immediate();
    }
    this.selectOne = db.prepare<[string], Row>(
      `SELECT version, position, last_event_id, last_stream_id, last_revision, error_message, error_event_id,
         error_position FROM projection_checkpoints WHERE name = ?`,
    );
    this.upsert = db.prepare<
      [
        string,
        number,
        string | null,
        string | null,
        string | null,
        number | null,
        string | null,
        string | null,
        string | null,
      ]
    >(
      `INSERT INTO projection_checkpoints (name, version, position, last_event_id, last_stream_id, last_revision,
         error_message, error_event_id, error_position)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position,
         last_event_id = excluded.last_event_id, last_stream_id = excluded.last_stream_id,
         last_revision = excluded.last_revision, error_message = excluded.error_message,
         error_event_id = excluded.error_event_id, error_position = excluded.error_position`,
    );
  }

  get(name: string): Checkpoint | undefined {
    const row = this.selectOne.get(name);
    if (row === undefined) return undefined;
    const error =
      row.error_message === null
        ? null
        : { message: row.error_message, eventId: row.error_event_id, position: row.error_position };
    const last =
      row.last_event_id === null || row.last_stream_id === null || row.last_revision === null
        ? null
        : { id: row.last_event_id, streamId: row.last_stream_id, revision: row.last_revision };
    return { version: row.version, position: row.position, last, error };
  }

  save(name: string, checkpoint: Checkpoint): void {
    const { error } = checkpoint;
    this.upsert.run(
      name,
      checkpoint.version,
      checkpoint.position,
      checkpoint.last?.id ?? null,
      checkpoint.last?.streamId ?? null,
      checkpoint.last?.revision ?? null,
      error?.message ?? null,
      error?.eventId ?? null,
      error?.position ?? null,
    );
  }
}
