import type { ReadModelDb } from './projection';

/** How one table differs between two read-model databases. */
export interface TableDifference {
  table: string;
  /** Its rows in each database (null where it has no such table). */
  rows: [number | null, number | null];
  /** A few of the rows found in only one of them, as JSON arrays of their columns. */
  onlyFirst: string[];
  onlySecond: string[];
}

/**
 * Where a checkpoint's last event was kept depends on where a batch ended, and files from before
 * those columns were added hold nulls until the next commit: neither is what the projection holds.
 */
const IGNORED_COLUMNS: Record<string, readonly string[]> = {
  projection_checkpoints: ['last_event_id', 'last_stream_id', 'last_revision'],
};

/**
 * Compares, row for row, every table of the database in `otherFile` with the same table in `db`.
 * The tables are the other database's: it is the reference (a rebuild), and `db` may hold tables
 * of its own. SQLite compares them (EXCEPT), so neither side is loaded into memory.
 */
export function readModelDifferences(db: ReadModelDb, otherFile: string, sample = 3): TableDifference[] {
  db.prepare('ATTACH DATABASE ? AS other').run(otherFile);
  try {
    const tablesIn = (schema: string): Set<string> =>
      new Set(
        db
          .prepare<[], string>(
            `SELECT name FROM ${schema}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
          )
          .pluck()
          .all(),
      );
    const ours = tablesIn('main');
    return [...tablesIn('other')].sort().flatMap((table) => {
      const difference = ours.has(table)
        ? compareTable(db, table, sample)
        : {
            table,
            rows: [null, count(db, 'other', table)] as [null, number],
            onlyFirst: [],
            onlySecond: rowsOf(db, `SELECT * FROM other."${table}" LIMIT ${sample}`),
          };
      return difference === null ? [] : [difference];
    });
  } finally {
    db.prepare('DETACH DATABASE other').run();
  }
}

function compareTable(db: ReadModelDb, table: string, sample: number): TableDifference | null {
  const ignored = IGNORED_COLUMNS[table] ?? [];
  const columnsOf = (schema: string): string[] =>
    db
      .prepare<[string], string>(`SELECT name FROM pragma_table_info(?, '${schema}') ORDER BY cid`)
      .pluck()
      .all(table)
      .filter((column) => !ignored.includes(column));
  const rows: [number, number] = [count(db, 'main', table), count(db, 'other', table)];
  const ours = columnsOf('main');
  const theirs = columnsOf('other');
  if (ours.length !== theirs.length || theirs.some((column) => !ours.includes(column))) {
    return {
      table,
      rows,
      onlyFirst: [`columns ${ours.join(', ')}`],
      onlySecond: [`columns ${theirs.join(', ')}`],
    };
  }
  const select = (schema: string): string =>
    `SELECT ${theirs.map((c) => `"${c}"`).join(', ')} FROM ${schema}."${table}"`;
  const only = (a: string, b: string): string[] =>
    rowsOf(db, `${select(a)} EXCEPT ${select(b)} LIMIT ${sample}`);
  const onlyFirst = only('main', 'other');
  const onlySecond = only('other', 'main');
  if (rows[0] === rows[1] && onlyFirst.length === 0 && onlySecond.length === 0) return null;
  return { table, rows, onlyFirst, onlySecond };
}

function count(db: ReadModelDb, schema: string, table: string): number {
  return db.prepare<[], number>(`SELECT count(*) FROM ${schema}."${table}"`).pluck().get()!;
}

function rowsOf(db: ReadModelDb, sql: string): string[] {
  return db
    .prepare(sql)
    .raw()
    .all()
    .map((row) => JSON.stringify(row));
}
