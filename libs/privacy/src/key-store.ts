import Database from 'better-sqlite3';
import { ensurePrivateFile } from '@trust-ledger/event-store';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const KEY_STORE_FILE = 'keys.db';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS data_keys (
  key_id  TEXT PRIMARY KEY,
  wrapped BLOB NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS destroyed_keys (
  key_id TEXT PRIMARY KEY
) STRICT;
CREATE TABLE IF NOT EXISTS erasures_applied (
  id       INTEGER PRIMARY KEY CHECK (id = 1),
  position TEXT NOT NULL
) STRICT;
`;

export const keyStoreFile = (dataDir: string): string => join(dataDir, KEY_STORE_FILE);

/**
 * Wrapped data keys by key id, in their own SQLite file so that destroying one really removes it:
 * `secure_delete` overwrites the deleted row's bytes, and the rollback journal (not WAL, whose frames
 * would keep old page images around) is removed at each commit. A destroyed key id is remembered, so
 * that reading it answers "erased" rather than "lost", and it is never issued again.
 */
export class SqliteKeyStore {
  private readonly db: Database.Database;
  private readonly select: Database.Statement<[string], Buffer>;
  private readonly isDestroyed: Database.Statement<[string], number>;
  private readonly insert: Database.Statement<[string, Buffer, string]>;
  private readonly destroyTx: Database.Transaction<(keyId: string) => void>;
  private readonly first: Database.Statement<[], { keyId: string; wrapped: Buffer }>;
  private readonly appliedThrough: Database.Statement<[], string>;
  private readonly markApplied: Database.Statement<[string]>;

  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    ensurePrivateFile(file);
    this.db = new Database(file, { timeout: 5000 });
    this.db.pragma('journal_mode = DELETE');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('secure_delete = ON');
    this.db.exec(SCHEMA);
    this.select = this.db.prepare<[string], Buffer>('SELECT wrapped FROM data_keys WHERE key_id = ?').pluck();
    this.isDestroyed = this.db
      .prepare<[string], number>('SELECT 1 FROM destroyed_keys WHERE key_id = ?')
      .pluck();
    this.insert = this.db.prepare(
      'INSERT OR IGNORE INTO data_keys (key_id, wrapped) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM destroyed_keys WHERE key_id = ?)',
    );
    this.first = this.db.prepare<[], { keyId: string; wrapped: Buffer }>(
      'SELECT key_id AS keyId, wrapped FROM data_keys ORDER BY rowid LIMIT 1',
    );
    this.appliedThrough = this.db
      .prepare<[], string>('SELECT position FROM erasures_applied WHERE id = 1')
      .pluck();
    this.markApplied = this.db.prepare<[string]>(
      'INSERT INTO erasures_applied (id, position) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET position = excluded.position',
    );
    const deleteKey = this.db.prepare('DELETE FROM data_keys WHERE key_id = ?');
    const remember = this.db.prepare('INSERT OR IGNORE INTO destroyed_keys (key_id) VALUES (?)');
    this.destroyTx = this.db.transaction((keyId: string) => {
      deleteKey.run(keyId);
      remember.run(keyId);
    });
  }

  /** The wrapped key; `destroyed` once it was destroyed; undefined when it never existed here. */
  get(keyId: string): Buffer | 'destroyed' | undefined {
    const wrapped = this.select.get(keyId);
    if (wrapped !== undefined) return wrapped;
    return this.isDestroyed.get(keyId) === undefined ? undefined : 'destroyed';
  }

  /** Stores `wrapped` unless the key id already has a key (the first writer wins) or was destroyed;
   * answers with what the store holds afterwards. */
  putIfAbsent(keyId: string, wrapped: Buffer): Buffer | 'destroyed' {
    this.insert.run(keyId, wrapped, keyId);
    const stored = this.get(keyId);
    if (stored === undefined) throw new Error(`data key ${keyId} was not stored`);
    return stored;
  }

  /** Some data key the store holds (the first stored), to try a master key on. */
  anyKey(): { keyId: string; wrapped: Buffer } | undefined {
    return this.first.get();
  }

  /** Idempotent. Afterwards the wrapped key is in none of the store's files. */
  destroy(keyId: string): void {
    this.destroyTx.immediate(keyId);
  }

  /**
   * The log position up to which every recorded erasure has destroyed its key here. Kept in this
   * file, so that a keys.db restored from a backup brings back its own, older, position with it.
   */
  erasuresAppliedThrough(): string | undefined {
    return this.appliedThrough.get();
  }

  markErasuresAppliedThrough(position: string): void {
    this.markApplied.run(position);
  }

  close(): void {
    this.db.close();
  }

  /** The ids of the keys an erasure destroyed in `file`, without creating anything. */
  static destroyedKeyIds(file: string): string[] {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return db.prepare<[], string>('SELECT key_id FROM destroyed_keys ORDER BY key_id').pluck().all();
    } finally {
      db.close();
    }
  }

  /** Whether the file exists and holds at least one data key, without creating anything. */
  static holdsKeys(file: string): boolean {
    if (!existsSync(file)) return false;
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const table = db
        .prepare<[], number>("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'data_keys'")
        .pluck();
      if (table.get() === undefined) return false;
      return db.prepare<[], number>('SELECT 1 FROM data_keys LIMIT 1').pluck().get() !== undefined;
    } finally {
      db.close();
    }
  }
}
