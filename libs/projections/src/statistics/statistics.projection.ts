import { Injectable } from '@nestjs/common';
import {
  ORDINANCE_STREAM_ID,
  sectionInForce,
  versionInForceAt,
  type OrdinanceVersion,
  type RequestType,
} from '@trust-ledger/domain';
import type { EventFilter, JsonObject, RecordedEvent } from '@trust-ledger/event-store';
import { CASE_STREAM_PREFIX } from '../case-view/case-view.projection';
import type { Projection, ReadModelDb } from '../runner/projection';
import { ProjectionProvider } from '../runner/projections.module';
import { NOTICE_REQUEST_TYPES } from './statistics-row';
import { STATISTICS_SCHEMA, STATISTICS_TABLES } from './statistics.schema';

export const STATISTICS = 'statistics';

interface RequestRow {
  stream_id: string;
  request_id: string;
  request_type: string;
  received_ms: number;
  first_departure_ms: number | null;
}

function statementsOf(db: ReadModelDb) {
  return {
    insertCase: db.prepare<[string, string]>(
      'INSERT OR IGNORE INTO st_cases (stream_id, agency_id) VALUES (?, ?)',
    ),
    agencyOf: db.prepare<[string], string>('SELECT agency_id FROM st_cases WHERE stream_id = ?').pluck(),
    insertRequest: db.prepare<
      [string, string, string | null, string, string, number, number | null, number | null]
    >(
      `INSERT OR IGNORE INTO st_requests (stream_id, request_id, agency_id, requesting_agency, request_type,
         received_ms, first_departure_ms, notice_deadline_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    request: db.prepare<[string, string], RequestRow>(
      `SELECT stream_id, request_id, request_type, received_ms, first_departure_ms FROM st_requests
       WHERE stream_id = ? AND request_id = ?`,
    ),
    requestsSince: db.prepare<[number], RequestRow>(
      `SELECT stream_id, request_id, request_type, received_ms, first_departure_ms FROM st_requests
       WHERE received_ms >= ? ORDER BY stream_id, request_id`,
    ),
    requestsDepartedBy: db.prepare<[string, number], RequestRow>(
      `SELECT stream_id, request_id, request_type, received_ms, first_departure_ms FROM st_requests
       WHERE stream_id = ? AND received_ms <= ?`,
    ),
    setDeadline: db.prepare<[number | null, number | null, string, string]>(
      'UPDATE st_requests SET notice_deadline_ms = ?, first_departure_ms = ? WHERE stream_id = ? AND request_id = ?',
    ),
    decide: db.prepare<[string, string, string, string]>(
      'UPDATE st_requests SET outcome = ?, basis = ? WHERE stream_id = ? AND request_id = ?',
    ),
    notice: db.prepare<[number, number, string, string]>(
      `UPDATE st_requests SET first_notice_ms = min(coalesce(first_notice_ms, ?), ?)
       WHERE stream_id = ? AND request_id = ?`,
    ),
    insertDeparture: db.prepare<[string, string, number]>(
      'INSERT OR IGNORE INTO st_departures (event_id, stream_id, at_ms) VALUES (?, ?, ?)',
    ),
    firstDepartureFrom: db
      .prepare<[string, number], number | null>(
        'SELECT min(at_ms) FROM st_departures WHERE stream_id = ? AND at_ms >= ?',
      )
      .pluck(),
    insertTransfer: db.prepare<[string, string, string | null, string, string | null, number]>(
      `INSERT OR IGNORE INTO st_transfers (event_id, stream_id, agency_id, to_agency, request_id, at_ms)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    insertVersion: db.prepare<[number, string]>(
      'INSERT OR IGNORE INTO st_ordinance (revision, version) VALUES (?, ?)',
    ),
    versions: db.prepare<[], string>('SELECT version FROM st_ordinance ORDER BY revision').pluck(),
  };
}
type Statements = ReturnType<typeof statementsOf>;

const str = (data: JsonObject, field: string): string | null => {
  const value = data[field];
  return typeof value === 'string' ? value : null;
};

/**
 * The public statistics' facts (§ 11), kept per request and per transfer so that any period is a
 * range scan: requests by receipt (the cohort) with their latest decision and when the subject's
 * notice was due and came; transfers to ICE or CBP by when they happened. The counting, the
 * "deadline passed" cut-off and small-cell suppression happen at query time.
 */
@Injectable()
@ProjectionProvider()
export class StatisticsProjection implements Projection {
  readonly name = STATISTICS;
  // 2: the period counts' indexes cover them.
  readonly version = 2;
  readonly filter: EventFilter = { streamPrefixes: [CASE_STREAM_PREFIX, ORDINANCE_STREAM_ID] };

  private statements: { db: ReadModelDb; s: Statements } | undefined;
  private ordinance: OrdinanceVersion[] | undefined;

  setup(db: ReadModelDb): void {
    db.exec(STATISTICS_SCHEMA);
    this.forget();
  }

  drop(db: ReadModelDb): void {
    for (const table of STATISTICS_TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
    this.forget();
  }

  apply(db: ReadModelDb, event: RecordedEvent): void {
    if (this.statements?.db !== db) this.statements = { db, s: statementsOf(db) };
    const { s } = this.statements;
    const { streamId, data } = event;
    switch (event.type) {
      case 'OrdinanceVersionAdopted':
        if (streamId !== ORDINANCE_STREAM_ID) return;
        s.insertVersion.run(event.revision, JSON.stringify(data));
        this.ordinance = undefined;
        // A version changes the notice duty only of requests received once it is in force.
        for (const r of s.requestsSince.all(Date.parse(str(data, 'effectiveFrom') ?? '')))
          this.refreshDeadline(s, r);
        return;
      case 'CaseOpened':
        s.insertCase.run(streamId, str(data, 'agencyId') ?? '');
        return;
      case 'FederalRequestReceived': {
        const receivedMs = Date.parse(str(data, 'receivedAt') ?? '');
        const request: RequestRow = {
          stream_id: streamId,
          request_id: str(data, 'requestId') ?? '',
          request_type: str(data, 'requestType') ?? '',
          received_ms: receivedMs,
          first_departure_ms: s.firstDepartureFrom.get(streamId, receivedMs) ?? null,
        };
        const { changes } = s.insertRequest.run(
          streamId,
          request.request_id,
          s.agencyOf.get(streamId) ?? null,
          str(data, 'requestingAgency') ?? '',
          request.request_type,
          receivedMs,
          request.first_departure_ms,
          this.noticeDeadlineOf(s, request),
        );
        // A request id received twice keeps its first row, whose deadline is brought up to date.
        const kept = changes === 0 ? s.request.get(streamId, request.request_id) : undefined;
        if (kept !== undefined) this.refreshDeadline(s, kept);
        return;
      }
      case 'DecisionRecorded':
      case 'DecisionAmended':
        s.decide.run(
          str(data, 'outcome') ?? '',
          str(data, 'basis') ?? '',
          streamId,
          str(data, 'requestId') ?? '',
        );
        return;
      case 'NoticeIssued': {
        const requestId = str(data, 'requestId');
        if (data.purpose !== 'REQUEST_AND_INTENT' || data.recipient !== 'SUBJECT' || requestId === null)
          return;
        const deliveredMs = Date.parse(str(data, 'deliveredAt') ?? '');
        s.notice.run(deliveredMs, deliveredMs, streamId, requestId);
        return;
      }
      case 'SubjectReleased':
      case 'SubjectTransferred': {
        const atMs = Date.parse(str(data, 'at') ?? '');
        s.insertDeparture.run(event.id, streamId, atMs);
        for (const r of s.requestsDepartedBy.all(streamId, atMs)) {
          if (r.first_departure_ms === null || atMs < r.first_departure_ms) {
            this.refreshDeadline(s, { ...r, first_departure_ms: atMs });
          }
        }
        const toAgency = str(data, 'toAgency');
        if (event.type === 'SubjectTransferred' && (toAgency === 'ICE' || toAgency === 'CBP')) {
          s.insertTransfer.run(
            event.id,
            streamId,
            s.agencyOf.get(streamId) ?? null,
            toAgency,
            str(data, 'requestId'),
            atMs,
          );
        }
        return;
      }
    }
  }

  /**
   * § 5's notice deadline of a request, as the S5 rule reckons it: `noticeDeadlineHours` after
   * receipt under the version then in force, or the first release or transfer after receipt if
   * sooner; null where no notice is owed.
   */
  private noticeDeadlineOf(s: Statements, r: RequestRow): number | null {
    const version = versionInForceAt(this.versionsOf(s), new Date(r.received_ms).toISOString());
    if (!NOTICE_REQUEST_TYPES.includes(r.request_type as RequestType) || !sectionInForce(version, 5))
      return null;
    const byHours = r.received_ms + version.noticeDeadlineHours * 3_600_000;
    return r.first_departure_ms !== null && r.first_departure_ms < byHours ? r.first_departure_ms : byHours;
  }

  private refreshDeadline(s: Statements, r: RequestRow): void {
    s.setDeadline.run(this.noticeDeadlineOf(s, r), r.first_departure_ms, r.stream_id, r.request_id);
  }

  /** Loaded once, and again after an adoption or a rollback: only this projection writes the table. */
  private versionsOf(s: Statements): OrdinanceVersion[] {
    this.ordinance ??= s.versions.all().map((v) => JSON.parse(v) as OrdinanceVersion);
    return this.ordinance;
  }

  discard(): void {
    this.ordinance = undefined;
  }

  private forget(): void {
    this.statements = undefined;
    this.discard();
  }
}
