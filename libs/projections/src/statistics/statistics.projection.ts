import { Injectable } from '@nestjs/common';
import {
  ORDINANCE_STREAM_ID,
  sectionInForce,
  versionInForceAtMs,
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
  case_seq: number;
  request_id: string;
  request_type: string;
  received_ms: number;
  first_departure_ms: number | null;
}

/** A request's whole row, as held in memory between flushes. */
interface HeldRequest extends RequestRow {
  agency_id: string | null;
  requesting_agency: string;
  outcome: string | null;
  basis: string | null;
  notice_deadline_ms: number | null;
  first_notice_ms: number | null;
  /** Changed since it was read: flush writes it. */
  changed: boolean;
}

/** A case as held between flushes: its number, its agency, and its requests by request id. */
interface HeldCase {
  seq: number;
  agencyId: string | null;
  requests: Map<string, HeldRequest>;
}

function statementsOf(db: ReadModelDb) {
  return {
    caseOf: db.prepare<[string], { seq: number; agencyId: string | null }>(
      'SELECT case_seq AS seq, agency_id AS agencyId FROM st_cases WHERE stream_id = ?',
    ),
    insertCase: db.prepare<[string, string | null]>(
      'INSERT INTO st_cases (stream_id, agency_id) VALUES (?, ?)',
    ),
    saveRequest: db.prepare<Omit<HeldRequest, 'changed'>>(
      `INSERT OR REPLACE INTO st_requests (case_seq, request_id, agency_id, requesting_agency, request_type,
         received_ms, outcome, basis, notice_deadline_ms, first_notice_ms, first_departure_ms)
       VALUES (@case_seq, @request_id, @agency_id, @requesting_agency, @request_type, @received_ms, @outcome,
         @basis, @notice_deadline_ms, @first_notice_ms, @first_departure_ms)`,
    ),
    requestsOf: db.prepare<[number], Omit<HeldRequest, 'changed'>>(
      'SELECT * FROM st_requests WHERE case_seq = ?',
    ),
    requestsSince: db.prepare<[number], RequestRow>(
      `SELECT case_seq, request_id, request_type, received_ms, first_departure_ms FROM st_requests
       WHERE received_ms >= ? ORDER BY case_seq, request_id`,
    ),
    setDeadline: db.prepare<[number | null, number | null, number, string]>(
      'UPDATE st_requests SET notice_deadline_ms = ?, first_departure_ms = ? WHERE case_seq = ? AND request_id = ?',
    ),
    insertDeparture: db.prepare<[number, number, string]>(
      'INSERT OR IGNORE INTO st_departures (case_seq, at_ms, event_id) VALUES (?, ?, ?)',
    ),
    firstDepartureFrom: db
      .prepare<[number, number], number | null>(
        'SELECT min(at_ms) FROM st_departures WHERE case_seq = ? AND at_ms >= ?',
      )
      .pluck(),
    insertTransfer: db.prepare<[number, string, string | null, string, string | null, number]>(
      `INSERT OR IGNORE INTO st_transfers (case_seq, event_id, agency_id, to_agency, request_id, at_ms)
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
 *
 * A case's requests are read once when a batch first touches the case, changed in memory, and
 * written once at flush: a request, its decision, its notice and the subject's release used to
 * update the same row, and its two covering indexes, four times.
 */
@Injectable()
@ProjectionProvider()
export class StatisticsProjection implements Projection {
  readonly name = STATISTICS;
  readonly version = 5;
  readonly filter: EventFilter = { streamPrefixes: [CASE_STREAM_PREFIX, ORDINANCE_STREAM_ID] };

  private statements: { db: ReadModelDb; s: Statements } | undefined;
  private ordinance: OrdinanceVersion[] | undefined;
  /** Since the last flush: each touched case, by stream id, as it now stands. */
  private readonly held = new Map<string, HeldCase>();

  setup(db: ReadModelDb): void {
    db.exec(STATISTICS_SCHEMA);
    this.forget();
  }

  drop(db: ReadModelDb): void {
    for (const table of STATISTICS_TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
    this.forget();
  }

  apply(db: ReadModelDb, event: RecordedEvent): void {
    const s = this.statementsFor(db);
    const { streamId, data } = event;
    switch (event.type) {
      case 'OrdinanceVersionAdopted':
        if (streamId !== ORDINANCE_STREAM_ID) return;
        s.insertVersion.run(event.revision, JSON.stringify(data));
        this.ordinance = undefined;
        // It reads requests across cases, so what is held is written first.
        this.flush(db);
        // A version changes the notice duty only of requests received once it is in force. They are
        // updated in the table, not held: a version in force from long ago reaches every case.
        for (const r of s.requestsSince.all(Date.parse(str(data, 'effectiveFrom') ?? '')))
          s.setDeadline.run(this.noticeDeadlineOf(s, r), r.first_departure_ms, r.case_seq, r.request_id);
        return;
      case 'CaseOpened':
        // A case's first event: this numbers it, with its agency.
        this.caseOf(s, streamId, str(data, 'agencyId') ?? '');
        return;
      case 'FederalRequestReceived': {
        const { seq, agencyId, requests } = this.caseOf(s, streamId);
        const requestId = str(data, 'requestId') ?? '';
        const kept = requests.get(requestId);
        // A request id received twice keeps its first row, whose deadline is brought up to date.
        if (kept !== undefined) {
          this.refreshDeadline(s, kept);
          return;
        }
        const receivedMs = Date.parse(str(data, 'receivedAt') ?? '');
        const request: HeldRequest = {
          case_seq: seq,
          request_id: requestId,
          agency_id: agencyId,
          requesting_agency: str(data, 'requestingAgency') ?? '',
          request_type: str(data, 'requestType') ?? '',
          received_ms: receivedMs,
          outcome: null,
          basis: null,
          notice_deadline_ms: null,
          first_notice_ms: null,
          first_departure_ms: s.firstDepartureFrom.get(seq, receivedMs) ?? null,
          changed: true,
        };
        request.notice_deadline_ms = this.noticeDeadlineOf(s, request);
        requests.set(requestId, request);
        return;
      }
      case 'DecisionRecorded':
      case 'DecisionAmended': {
        const request = this.caseOf(s, streamId).requests.get(str(data, 'requestId') ?? '');
        if (request === undefined) return;
        request.outcome = str(data, 'outcome') ?? '';
        request.basis = str(data, 'basis') ?? '';
        request.changed = true;
        return;
      }
      case 'NoticeIssued': {
        const requestId = str(data, 'requestId');
        if (data.purpose !== 'REQUEST_AND_INTENT' || data.recipient !== 'SUBJECT' || requestId === null)
          return;
        const request = this.caseOf(s, streamId).requests.get(requestId);
        if (request === undefined) return;
        const deliveredMs = Date.parse(str(data, 'deliveredAt') ?? '');
        // NaN (an unreadable time) is stored as NULL, as SQLite's min() over it did.
        const first = Math.min(request.first_notice_ms ?? deliveredMs, deliveredMs);
        request.first_notice_ms = Number.isNaN(first) ? null : first;
        request.changed = true;
        return;
      }
      case 'SubjectReleased':
      case 'SubjectTransferred': {
        const atMs = Date.parse(str(data, 'at') ?? '');
        const { seq, agencyId, requests } = this.caseOf(s, streamId);
        s.insertDeparture.run(seq, atMs, event.id);
        for (const r of requests.values()) {
          if (r.received_ms <= atMs && (r.first_departure_ms === null || atMs < r.first_departure_ms)) {
            r.first_departure_ms = atMs;
            this.refreshDeadline(s, r);
          }
        }
        const toAgency = str(data, 'toAgency');
        if (event.type === 'SubjectTransferred' && (toAgency === 'ICE' || toAgency === 'CBP')) {
          s.insertTransfer.run(seq, event.id, agencyId, toAgency, str(data, 'requestId'), atMs);
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
    const version = versionInForceAtMs(this.versionsOf(s), r.received_ms);
    if (!NOTICE_REQUEST_TYPES.includes(r.request_type as RequestType) || !sectionInForce(version, 5))
      return null;
    const byHours = r.received_ms + version.noticeDeadlineHours * 3_600_000;
    return r.first_departure_ms !== null && r.first_departure_ms < byHours ? r.first_departure_ms : byHours;
  }

  private refreshDeadline(s: Statements, r: HeldRequest): void {
    r.notice_deadline_ms = this.noticeDeadlineOf(s, r);
    r.changed = true;
  }

  /**
   * The case as it now stands, read from the tables the first time a batch touches it. A case the
   * log names for the first time is numbered then, with the agency of the CaseOpened that names it.
   */
  private caseOf(s: Statements, streamId: string, openedBy: string | null = null): HeldCase {
    let held = this.held.get(streamId);
    if (held === undefined) {
      const stored = s.caseOf.get(streamId);
      held =
        stored === undefined
          ? {
              seq: Number(s.insertCase.run(streamId, openedBy).lastInsertRowid),
              agencyId: openedBy,
              requests: new Map(),
            }
          : {
              ...stored,
              requests: new Map(
                s.requestsOf.all(stored.seq).map((r) => [r.request_id, { ...r, changed: false }]),
              ),
            };
      this.held.set(streamId, held);
    }
    return held;
  }

  flush(db: ReadModelDb): void {
    if (this.held.size === 0) return;
    const s = this.statementsFor(db);
    for (const { requests } of this.held.values()) {
      for (const { changed, ...request } of requests.values()) if (changed) s.saveRequest.run(request);
    }
    this.held.clear();
  }

  /** Loaded once, and again after an adoption or a rollback: only this projection writes the table. */
  private versionsOf(s: Statements): OrdinanceVersion[] {
    this.ordinance ??= s.versions.all().map((v) => JSON.parse(v) as OrdinanceVersion);
    return this.ordinance;
  }

  discard(): void {
    this.ordinance = undefined;
    this.held.clear();
  }

  private statementsFor(db: ReadModelDb): Statements {
    if (this.statements?.db !== db) this.statements = { db, s: statementsOf(db) };
    return this.statements.s;
  }

  private forget(): void {
    this.statements = undefined;
    this.discard();
  }
}
