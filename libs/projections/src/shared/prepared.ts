import type { ReadModelDb } from '../runner/projection';

/**
 * A projection's prepared statements, prepared once per database it is applied to (the live one,
 * a rebuild's): `prepare` runs on a database's first use and its result is kept as long as it is.
 */
export function preparedPerDb<S>(prepare: (db: ReadModelDb) => S): (db: ReadModelDb) => S {
  const statements = new WeakMap<ReadModelDb, S>();
  return (db) => {
    let s = statements.get(db);
    if (s === undefined) {
      s = prepare(db);
      statements.set(db, s);
    }
    return s;
  };
}
