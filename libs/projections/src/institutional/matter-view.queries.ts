import type { MatterKind, MatterRequestingAgency } from '@trust-ledger/domain';
import type { ReadModelDb } from '../runner/projection';
import type { MatterRecord } from './matter-view';

export interface MatterListFilter {
  agencyId?: string;
  kind?: MatterKind;
  requestingAgency?: MatterRequestingAgency;
  /** ISO times, inclusive. */
  receivedFrom?: string;
  receivedTo?: string;
}

export interface MatterPage {
  items: MatterRecord[];
  /** The cursor of the next page; null on the last. */
  nextCursor: string | null;
}

type Row = { seq: number; record: string };

/** Reads the matter-view projection's table. */
export class MatterViewQueries {
  constructor(private readonly db: ReadModelDb) {}

  get(matterId: string): MatterRecord | undefined {
    const row = this.db
      .prepare<[string], Row>('SELECT seq, record FROM matter_views WHERE matter_id = ?')
      .get(matterId);
    return row && (JSON.parse(row.record) as MatterRecord);
  }

  /** Matters in the order they were opened, after the one numbered `after` (exclusive). */
  list(filter: MatterListFilter, after: number, limit: number): MatterPage {
    const conditions = ['seq > ?'];
    const params: (string | number)[] = [after];
    const where = (condition: string, value: string | number | undefined): void => {
      if (value === undefined) return;
      conditions.push(condition);
      params.push(value);
    };
    where('agency_id = ?', filter.agencyId);
    where('kind = ?', filter.kind);
    where('requesting_agency = ?', filter.requestingAgency);
    where('received_ms >= ?', filter.receivedFrom && Date.parse(filter.receivedFrom));
    where('received_ms <= ?', filter.receivedTo && Date.parse(filter.receivedTo));
    // One row past the page tells whether there is a next page.
    const rows = this.db
      .prepare<(string | number)[], Row>(
        `SELECT seq, record FROM matter_views WHERE ${conditions.join(' AND ')} ORDER BY seq LIMIT ?`,
      )
      .all(...params, limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => JSON.parse(row.record) as MatterRecord),
      nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null,
    };
  }
}
