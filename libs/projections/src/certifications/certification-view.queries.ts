import type { CertificationForm, CertificationStatus } from '@trust-ledger/domain';
import type { RecordedEvent } from '@trust-ledger/event-store';
import type { ReadModelDb } from '../runner/projection';
import { seqPage } from '../shared/seq-page';
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
    const { rows, nextCursor } = seqPage<Row>(
      this.db,
      'SELECT seq, record, requested_event FROM certification_views',
      [
        ['agency_id = ?', filter.agencyId],
        ['status = ?', filter.status],
        ['form = ?', filter.form],
        ['requested_ms >= ?', filter.requestedFrom && Date.parse(filter.requestedFrom)],
        ['requested_ms <= ?', filter.requestedTo && Date.parse(filter.requestedTo)],
      ],
      after,
      limit,
    );
    return { items: rows.map(toStored), nextCursor };
  }
}
