import type { CertificationForm, CertificationStatus } from '@trust-ledger/domain';
import type { RecordedEvent } from '@trust-ledger/event-store';
import type { ReadModelDb } from '../runner/projection';
import type { CertificationRecord } from './certification-view';

export interface CertificationListFilter {
  agencyId?: string;
  status?: CertificationStatus;
  form?: CertificationForm;
  /** ISO times, inclusive. */
  requestedFrom?: string;
  requestedTo?: string;
}

export interface StoredCertification {
  record: CertificationRecord;
  /** The CertificationRequested event as recorded: the victim is decoded from it. */
  requestedEvent: RecordedEvent;
}

export interface CertificationPage {
  items: StoredCertification[];
  /** The cursor of the next page; null on the last. */
  nextCursor: string | null;
}

type Row = { seq: number; record: string; requested_event: string };

const toStored = (row: Row): StoredCertification => ({
  record: JSON.parse(row.record) as CertificationRecord,
  requestedEvent: JSON.parse(row.requested_event) as RecordedEvent,
});

/** Reads the certification-view projection's table. */
export class CertificationViewQueries {
  constructor(private readonly db: ReadModelDb) {}

  get(certificationId: string): StoredCertification | undefined {
    const row = this.db
      .prepare<[string], Row>(
        'SELECT seq, record, requested_event FROM certification_views WHERE certification_id = ?',
      )
      .get(certificationId);
    return row && toStored(row);
  }

  /** Certifications in the order they were requested, after the one numbered `after` (exclusive). */
  list(filter: CertificationListFilter, after: number, limit: number): CertificationPage {
    const conditions = ['seq > ?'];
    const params: (string | number)[] = [after];
    const where = (condition: string, value: string | number | undefined): void => {
      if (value === undefined) return;
      conditions.push(condition);
      params.push(value);
    };
    where('agency_id = ?', filter.agencyId);
    where('status = ?', filter.status);
    where('form = ?', filter.form);
    where('requested_ms >= ?', filter.requestedFrom && Date.parse(filter.requestedFrom));
    where('requested_ms <= ?', filter.requestedTo && Date.parse(filter.requestedTo));
    // One row past the page tells whether there is a next page.
    const rows = this.db
      .prepare<(string | number)[], Row>(
        `SELECT seq, record, requested_event FROM certification_views
         WHERE ${conditions.join(' AND ')} ORDER BY seq LIMIT ?`,
      )
      .all(...params, limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map(toStored),
      nextCursor: rows.length > limit ? String(page[page.length - 1].seq) : null,
    };
  }
}
