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
 * `order`: where the numbers are read and ordered, when a join should walk another table's index in
 * that order (with `distinct`, a row per number).
 */
export function seqPage<R extends { seq: number }>(
  db: ReadModelDb,
  select: string,
  conditions: readonly SeqCondition[],
  after: number,
  limit: number,
  order: { seq: string; distinct: boolean } = { seq: 'seq', distinct: false },
): SeqPage<R> {
  const where = [`${order.seq} > ?`];
  const params: (string | number)[] = [after];
  for (const [condition, ...values] of conditions) {
    if (values.some((value) => value === undefined)) continue;
    where.push(condition);
    params.push(...(values as (string | number)[]));
  }
  // One row past the page tells whether there is a next page.
  const rows = db
    .prepare<(string | number)[], R>(
      `${select} WHERE ${where.join(' AND ')}${order.distinct ? ` GROUP BY ${order.seq}` : ''} ORDER BY ${order.seq} LIMIT ?`,
    )
    .all(...params, limit + 1);
  const page = rows.slice(0, limit);
  return { rows: page, nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null };
}
