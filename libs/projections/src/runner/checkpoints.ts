import type { ReadModelDb } from './projection';

/** Why a projection stopped: the event it could not apply (null when no event was at fault, e.g. the
 * read-model database itself failed). */
export interface ProjectionError {
  message: string;
  eventId: string | null;
  position: string | null;
}

export interface Checkpoint {
  version: number;
  /** Last position applied (or skipped by the filter); `null` before the first event. */
  position: string | null;
  error: ProjectionError | null;
}

type Row = {
  version: number;
  position: string | null;
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
    this.selectOne = db.prepare<[string], Row>(
      'SELECT version, position, error_message, error_event_id, error_position FROM projection_checkpoints WHERE name = ?',
    );
    this.upsert = db.prepare<[string, number, string | null, string | null, string | null, string | null]>(
      `INSERT INTO projection_checkpoints (name, version, position, error_message, error_event_id, error_position)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position,
         error_message = excluded.error_message, error_event_id = excluded.error_event_id,
         error_position = excluded.error_position`,
    );
  }

  get(name: string): Checkpoint | undefined {
    const row = this.selectOne.get(name);
    if (row === undefined) return undefined;
    const error =
      row.error_message === null
        ? null
        : { message: row.error_message, eventId: row.error_event_id, position: row.error_position };
    return { version: row.version, position: row.position, error };
  }

  save(name: string, checkpoint: Checkpoint): void {
    const { error } = checkpoint;
    this.upsert.run(
      name,
      checkpoint.version,
      checkpoint.position,
      error?.message ?? null,
      error?.eventId ?? null,
      error?.position ?? null,
    );
  }
}
