import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ReadModelDb } from './projection';

export const READ_MODELS_FILE = 'read-models.db';

export function readModelsPath(dataDir: string): string {
  return join(dataDir, READ_MODELS_FILE);
}

/** Opens (creating if needed) the read-model database: WAL so queries never block the runner, and
 * synchronous FULL so a committed checkpoint survives power loss together with its rows. */
export function openReadModelDb(file: string): ReadModelDb {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // A rebuild lets the WAL grow large; once checkpointed, the file shrinks back to this (64 MB).
  db.pragma('journal_size_limit = 67108864');
  return db;
}

/** Whether the projection owning `name` has set its tables up in this database yet. */
export function hasTable(db: ReadModelDb, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}
