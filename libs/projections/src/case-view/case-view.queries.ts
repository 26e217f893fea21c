import type { RequestType } from '@trust-ledger/domain';
import type { RecordedEvent } from '@trust-ledger/event-store';
import type { ReadModelDb } from '../runner/projection';
import { hasTable } from '../runner/read-model-db';
import { seqPage, type SeqCondition } from '../shared/seq-page';
import { hasUnresolvedViolationSql } from '../violations/violation-register.schema';
import type { CaseRecord } from './case-view';
import { CASE_STREAM_PREFIX } from './case-view.projection';

export interface CaseListFilter {
  agencyId?: string;
  status?: 'OPEN' | 'CLOSED';
  /** Cases with at least one request of this type (received in the range, when one is given too). */
  requestType?: RequestType;
  /** ISO times, inclusive. */
  receivedFrom?: string;
  receivedTo?: string;
  /** Cases with (true) or without (false) an unresolved violation in the register. */
  hasOpenViolations?: boolean;
}

export interface StoredCase {
  record: CaseRecord;
  /** The CaseOpened event as recorded, to decode the subject from; null once it is erased. */
  openedEvent: RecordedEvent | null;
}

export interface CasePage {
  items: StoredCase[];
  /** The `after` of the next page; null on the last. */
  nextCursor: string | null;
}

type Row = { seq: number; record: string; opened_event: string | null };

const toStored = (row: Row): StoredCase => ({
  record: JSON.parse(row.record) as CaseRecord,
  openedEvent: row.opened_event === null ? null : (JSON.parse(row.opened_event) as RecordedEvent),
});

/** Reads the case-view projection's tables. */
export class CaseViewQueries {
  constructor(private readonly db: ReadModelDb) {}

  get(caseId: string): StoredCase | undefined {
    const row = this.db
      .prepare<[string], Row>('SELECT seq, record, opened_event FROM case_views WHERE case_id = ?')
      .get(caseId);
    return row && toStored(row);
  }

  /** Cases in the order they were opened, after the case numbered `after` (exclusive). */
  list(filter: CaseListFilter, after: number, limit: number): CasePage {
    const conditions: SeqCondition[] = [
      ['c.agency_id = ?', filter.agencyId],
      ['c.status = ?', filter.status],
    ];
    const ranged = filter.receivedFrom !== undefined || filter.receivedTo !== undefined;
    // A type (with or without an agency) walks the requests of that type (of that agency) in case
    // order, so that a rare type costs its own requests, not a scan of the cases between them. With
    // the (few) open cases, their index walks fewer rows, and each case's requests are looked up.
    const byType = filter.requestType !== undefined && !ranged && filter.status !== 'OPEN';
    const request = (
      [
        ['r.request_type = ?', filter.requestType],
        ['r.received_at_ms >= ?', filter.receivedFrom && Date.parse(filter.receivedFrom)],
        ['r.received_at_ms <= ?', filter.receivedTo && Date.parse(filter.receivedTo)],
      ] as const
    ).filter(([, value]) => value !== undefined);
    if (byType) {
      conditions.push(['r.agency_id = ?', filter.agencyId], ['r.request_type = ?', filter.requestType]);
    } else if (request.length > 0) {
      const where = request.map(([sql]) => sql).join(' AND ');
      // A time range reads the requests received in it (its size, not the history's, sets the cost),
      // even with a type, whose index SQLite would otherwise prefer and read whole.
      conditions.push([
        ranged
          ? `c.seq IN (SELECT r.case_seq FROM case_view_requests r INDEXED BY case_view_requests_received WHERE ${where})`
          : `EXISTS (SELECT 1 FROM case_view_requests r WHERE r.case_seq = c.seq AND ${where})`,
        ...request.map(([, value]) => value),
      ]);
    }
    if (filter.hasOpenViolations !== undefined) {
      // Without the register (a deployment or test that does not run it) no violation is known.
      const registered = hasTable(this.db, 'violations');
      // The (few) open cases are fewer to walk than the streams with a violation.
      if (filter.hasOpenViolations && !byType && filter.status !== 'OPEN' && registered) {
        const page = this.unresolvedPage(conditions, filter.agencyId, after, limit);
        if (page !== undefined) return page;
      }
      const known = registered ? hasUnresolvedViolationSql(`'${CASE_STREAM_PREFIX}' || c.case_id`) : 'FALSE';
      conditions.push([filter.hasOpenViolations ? known : `NOT ${known}`]);
    }
    const { rows, nextCursor } = byType
      ? seqPage<Row>(
          this.db,
          'SELECT c.seq, c.record, c.opened_event FROM case_view_requests r CROSS JOIN case_views c ON c.seq = r.case_seq',
          conditions,
          after,
          limit,
          { seq: 'r.case_seq', distinct: true },
        )
      : seqPage<Row>(
          this.db,
          'SELECT c.seq, c.record, c.opened_event FROM case_views c',
          conditions,
          after,
          limit,
        );
    return { items: rows.map(toStored), nextCursor };
  }

  /**
   * The cases with an unresolved violation, found by walking the register's streams that have one
   * (its partial index) instead of every case: however rare violations are, a page costs what it
   * holds, not the history. The register numbers streams in the order it first judged them, which
   * for cases is the order they were opened, as `seq` numbers them here; so that walk is in case
   * order, and the cursor stays a case number. An agency's are walked alone (a case's agency is the
   * stream's). Undefined when the register has not judged the cursor's case yet (it is behind the
   * case view): the caller then scans.
   */
  private unresolvedPage(
    conditions: SeqCondition[],
    agencyId: string | undefined,
    after: number,
    limit: number,
  ): CasePage | undefined {
    const from =
      after === 0
        ? 0
        : this.db
            .prepare<[string, number], number>(
              'SELECT s.seq FROM case_views c JOIN vr_streams s ON s.stream_id = ? || c.case_id WHERE c.seq = ?',
            )
            .pluck()
            .get(CASE_STREAM_PREFIX, after);
    if (from === undefined) return undefined;
    const { rows, nextCursor } = seqPage<Row>(
      this.db,
      `SELECT c.seq, c.record, c.opened_event
       FROM vr_streams s INDEXED BY ${agencyId === undefined ? 'vr_streams_unresolved' : 'vr_streams_unresolved_agency'}
       CROSS JOIN case_views c ON c.case_id = substr(s.stream_id, ${CASE_STREAM_PREFIX.length + 1})`,
      [
        ...conditions,
        ['s.unresolved > 0'],
        ['s.agency_id = ?', agencyId],
        ['s.stream_id > ? AND s.stream_id < ?', CASE_STREAM_PREFIX, `${CASE_STREAM_PREFIX.slice(0, -1)}.`],
        ['c.seq > ?', after],
      ],
      from,
      limit,
      { seq: 's.seq', distinct: false },
    );
    return { items: rows.map(toStored), nextCursor };
  }
}
