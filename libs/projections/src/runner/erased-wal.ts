import type { Statement } from 'better-sqlite3';
import type { ReadModelDb } from './projection';

const ERASED_WAL_TABLE = 'wal_holds_erased';

/**
 * Whether read-models.db's WAL may still hold pages as they were before an erasure rewrote them.
 * Marked in the transaction of the batch that applied the erasure and cleared once a truncating
 * checkpoint emptied the WAL, it outlives a process that could not empty it (a CLI rebuild meeting
 * a backup's read): whichever process opens the file next empties it.
 */
export class ErasedWal {
  private readonly marking: Statement<[]>;
  private readonly reading: Statement<[], number>;
  private readonly clearing: Statement<[number]>;

  constructor(db: ReadModelDb) {
    // A count rather than a flag: a clearer deletes only the mark it read before its checkpoint,
    // never one another process set after it.
    db.exec(`CREATE TABLE IF NOT EXISTS ${ERASED_WAL_TABLE} (
      id       INTEGER PRIMARY KEY CHECK (id = 1),
      erasures INTEGER NOT NULL
    ) STRICT`);
    this.marking = db.prepare(
      `INSERT INTO ${ERASED_WAL_TABLE} (id, erasures) VALUES (1, 1)
       ON CONFLICT (id) DO UPDATE SET erasures = erasures + 1`,
    );
    this.reading = db.prepare<[], number>(`SELECT erasures FROM ${ERASED_WAL_TABLE} WHERE id = 1`).pluck();
    this.clearing = db.prepare<[number]>(`DELETE FROM ${ERASED_WAL_TABLE} WHERE id = 1 AND erasures = ?`);
  }

  /** In the transaction of the batch that applied an erasure. */
  mark(): void {
    this.marking.run();
  }

  /** The batches that applied an erasure since the WAL was last emptied; undefined if none did. */
  marked(): number | undefined {
    return this.reading.get();
  }

  /** After a checkpoint that emptied the WAL: clears the mark read before it, unless it moved since. */
  clear(read: number): boolean {
    return this.clearing.run(read).changes > 0;
  }
}
