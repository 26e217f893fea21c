import type { MatterKind, MatterRequestingAgency } from '@trust-ledger/domain';
import type { ReadModelDb } from '../runner/projection';
import { seqPage } from '../shared/seq-page';
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
    const { rows, nextCursor } = seqPage<Row>(
      this.db,
      'SELECT seq, record FROM matter_views',
      [
        ['agency_id = ?', filter.agencyId],
        ['kind = ?', filter.kind],
        ['requesting_agency = ?', filter.requestingAgency],
        ['received_ms >= ?', filter.receivedFrom && Date.parse(filter.receivedFrom)],
        ['received_ms <= ?', filter.receivedTo && Date.parse(filter.receivedTo)],
      ],
      after,
      limit,
    );
    return { items: rows.map((row) => JSON.parse(row.record) as MatterRecord), nextCursor };
  }
}
