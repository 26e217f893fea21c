import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

  it('leaves nothing of a rewritten or deleted row in the file, its freed overflow pages included', () => {
    const file = join(dir, 'read-models.db');
    const db = openReadModelDb(file);
    const marker = 'Wilhelmina Ravensworth-Adeyemi';
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT)');
    // Larger than a page: it spills onto overflow pages, which the rewrite frees.
    const row = (text: string): string => Array(2_000).fill(text).join(' ');
    db.prepare('INSERT INTO t VALUES (1, ?), (2, ?)').run(row(marker), row(marker));
    db.prepare('UPDATE t SET x = ? WHERE id = 1').run('[erased]');
    db.prepare('DELETE FROM t WHERE id = 2').run();
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(db.pragma('freelist_count', { simple: true })).toBeGreaterThan(0);
    expect(readFileSync(file).includes(marker)).toBe(false);
    db.close();
  });

  /** A file as an older version left it, secure_delete off: a rewritten row's old bytes in free space. */
  function olderFile(file: string, marker: string): void {
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.pragma('secure_delete = OFF');
    old.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT)');
    old.prepare('INSERT INTO t VALUES (1, ?), (2, ?)').run(Array(2_000).fill(marker).join(' '), 'kept');
    old.prepare('UPDATE t SET x = ? WHERE id = 1').run('[erased]');
    old.pragma('wal_checkpoint(TRUNCATE)');
    old.close();
    expect(readFileSync(file).includes(marker)).toBe(true);
  }
  const heldAnywhere = (file: string, marker: string): boolean =>
    [file, `${file}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(marker));

  it('scrubs what a file written before secure_delete keeps of rewritten rows, and marks it scrubbed', () => {
    const file = join(dir, 'read-models.db');
    const marker = 'Cornelius Blackwood-Okonkwo';
    olderFile(file, marker);

    const db = openReadModelDb(file);
    expect(heldAnywhere(file, marker)).toBe(false);
    expect(db.prepare('SELECT x FROM t ORDER BY id').pluck().all()).toEqual(['[erased]', 'kept']);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('leaves the scrub for a later open while another process reads the file', () => {
    const file = join(dir, 'read-models.db');
    const marker = 'Cornelius Blackwood-Okonkwo';
    olderFile(file, marker);
    const reader = new Database(file, { readonly: true });
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM t').get();

    const first = openReadModelDb(file);
    expect(first.pragma('user_version', { simple: true })).toBe(0);
    // Its own writes still wait out another process's, as before.
    expect(first.pragma('busy_timeout', { simple: true })).toBe(5000);
    first.close();
    reader.exec('COMMIT');
    reader.close();
    const second = openReadModelDb(file);
    expect(second.pragma('user_version', { simple: true })).toBe(1);
    second.close();
    expect(heldAnywhere(file, marker)).toBe(false);
  });

  it('marks a new file as having nothing to scrub', () => {
    const db = openReadModelDb(join(dir, 'read-models.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });
});
