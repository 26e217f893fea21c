import Database from 'better-sqlite3';
import { ensurePrivateFile } from '@trust-ledger/event-store';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ReadModelDb } from './projection';

const READ_MODELS_FILE = 'read-models.db';

export function readModelsPath(dataDir: string): string {
  return join(dataDir, READ_MODELS_FILE);
}

/**
 * Pages of a new read-model database (bytes). A case view's row is about 2.3 KB, so a 4 KB page held
 * one; at 16 KB the file is a fifth smaller and a rebuild measured about 15 % faster over 200k
 * events. SQLite fixes the page size when it creates the file: an older file keeps its own.
 */
export const READ_MODEL_PAGE_SIZE = 16_384;

/** Opens (creating if needed) the read-model database: WAL so queries never block the runner,
 * synchronous FULL so a committed checkpoint survives power loss together with its rows, and
 * secure_delete so that what a row held is gone once it is rewritten (see the runner's WAL too). */
export function openReadModelDb(file: string): ReadModelDb {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true });
    ensurePrivateFile(file);
  }
  const db = new Database(file, { timeout: 5000 });
  // Before WAL: a WAL database's page size can no longer change.
  db.pragma(`page_size = ${READ_MODEL_PAGE_SIZE}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  // An erasure rewrites rows that held a person's data in clear (recorded before it was sealed):
  // their former bytes are zeroed, freed pages included, which FAST would leave as they were.
  db.pragma('secure_delete = ON');
  // A rebuild lets the WAL grow large; once checkpointed, the file shrinks back to this (64 MB).
  db.pragma('journal_size_limit = 67108864');
  return db;
}

/** Whether the projection owning `name` has set its tables up in this database yet. */
export function hasTable(db: ReadModelDb, name: string): boolean {
  return db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(name) !== undefined;
}
