import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadModelDb, READ_MODEL_PAGE_SIZE } from '@trust-ledger/projections';

describe('openReadModelDb', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tl-read-model-db-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a new file with large pages, in WAL mode', () => {
    const db = openReadModelDb(join(dir, 'read-models.db'));
    db.exec('CREATE TABLE t (x TEXT)');
    expect(db.pragma('page_size', { simple: true })).toBe(READ_MODEL_PAGE_SIZE);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('opens a file created with another page size as it is, and writes to it', () => {
    const file = join(dir, 'read-models.db');
    const old = new Database(file);
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('before')");
    old.close();

    const db = openReadModelDb(file);
    db.prepare('INSERT INTO t VALUES (?)').run('after');
    expect(db.pragma('page_size', { simple: true })).toBe(4096);
    expect(db.prepare('SELECT x FROM t ORDER BY rowid').pluck().all()).toEqual(['before', 'after']);
    db.close();
  });
});
