import type { ReadModelDb } from '../runner/projection';

/**
 * A list filter's condition and the values of its placeholders; left out when one of them is
 * undefined (not asked for).
 */
export type SeqCondition = readonly [sql: string, ...values: (string | number | undefined)[]];

export interface SeqPage<R> {
  rows: R[];
  /** The cursor of the next page; null on the last. */
  nextCursor: string | null;
}

/**
 * One page of a table numbered by `seq` in log order: the rows `select` (a `SELECT … FROM table`)
 * yields after the one numbered `after` (exclusive), at most `limit`, meeting every given condition.
 */
export function seqPage<R extends { seq: number }>(
  db: ReadModelDb,
  select: string,
  conditions: readonly SeqCondition[],
  after: number,
  limit: number,
): SeqPage<R> {
  const where = ['seq > ?'];
  const params: (string | number)[] = [after];
  for (const [condition, ...values] of conditions) {
    if (values.some((value) => value === undefined)) continue;
    where.push(condition);
    params.push(...(values as (string | number)[]));
  }
  // One row past the page tells whether there is a next page.
  const rows = db
    .prepare<(string | number)[], R>(`${select} WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`)
    .all(...params, limit + 1);
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null };
}
