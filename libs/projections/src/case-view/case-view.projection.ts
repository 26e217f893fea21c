import { Injectable } from '@nestjs/common';
import type { RecordedEvent } from '@trust-ledger/event-store';
import type { Statement } from 'better-sqlite3';
import type { Projection, ReadModelDb } from '../runner/projection';
import { ProjectionProvider } from '../runner/projections.module';
import { preparedPerDb } from '../shared/prepared';
import { evolveCaseRecord, type CaseRecord } from './case-view';

export const CASE_STREAM_PREFIX = 'case-';

interface Statements {
  select: Statement<[string], { seq: number; record: string }>;
  insert: Statement<[string, string, string, number, string | null, string]>;
  update: Statement<[string, number, string, string]>;
  forget: Statement<[string]>;
  addRequest: Statement<[number, string, string, string, number]>;
}

/** A request received since the last flush: its case_view_requests row without the case's seq. */
type NewRequest = [requestId: string, requestType: string, receivedAtMs: number];

interface HeldCase {
  /** The case's row number; null for a case the table does not hold yet (flush inserts it). */
  seq: number | null;
  record: CaseRecord;
  newRequests: NewRequest[];
  /** The CaseOpened event as recorded, for a case not stored yet. */
  openedEvent: string | null;
  /** Personal data was erased: the stored CaseOpened goes too. */
  forget: boolean;
}

/**
 * One row per case: the record JSON plus the columns the list filters on. `seq` numbers cases in
 * log order (SQLite's rowid: max + 1), so a rebuild numbers them exactly as incremental processing
 * did and paging by it is stable. `opened_event` keeps the CaseOpened event as recorded, so that
 * the subject is decoded (decrypted) at read time through the same codec as the history.
 */
@Injectable()
@ProjectionProvider()
export class CaseViewProjection implements Projection {
  readonly name = 'case-view';
  readonly version = 10;
  readonly filter = { streamPrefixes: [CASE_STREAM_PREFIX] };
  private readonly statementsFor = preparedPerDb<Statements>((db) => ({
    select: db.prepare('SELECT seq, record FROM case_views WHERE case_id = ?'),
    insert: db.prepare(
      'INSERT INTO case_views (case_id, agency_id, status, revision, opened_event, record) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    update: db.prepare('UPDATE case_views SET status = ?, revision = ?, record = ? WHERE case_id = ?'),
    forget: db.prepare('UPDATE case_views SET opened_event = NULL WHERE case_id = ?'),
    addRequest: db.prepare(
      'INSERT INTO case_view_requests (case_seq, agency_id, request_id, request_type, received_at_ms) VALUES (?, ?, ?, ?, ?)',
    ),
  }));
  /** Cases touched since the last flush, as they now stand. */
  private readonly held = new Map<string, HeldCase>();

  setup(db: ReadModelDb): void {
    db.exec(`
      CREATE TABLE case_views (
        seq          INTEGER PRIMARY KEY,
        case_id      TEXT NOT NULL UNIQUE,
        agency_id    TEXT NOT NULL,
        status       TEXT NOT NULL,
        revision     INTEGER NOT NULL,
        opened_event TEXT,
        record       TEXT NOT NULL
      ) STRICT;
      CREATE INDEX case_views_agency ON case_views (agency_id, seq);
      CREATE INDEX case_views_status ON case_views (status, seq);
      CREATE INDEX case_views_agency_status ON case_views (agency_id, status, seq);
      CREATE TABLE case_view_requests (
        case_seq       INTEGER NOT NULL,
        agency_id      TEXT NOT NULL,
        request_id     TEXT NOT NULL,
        request_type   TEXT NOT NULL,
        received_at_ms INTEGER NOT NULL,
        PRIMARY KEY (case_seq, request_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX case_view_requests_received
        ON case_view_requests (received_at_ms, request_type, case_seq);
      CREATE INDEX case_view_requests_type ON case_view_requests (request_type, case_seq);
      CREATE INDEX case_view_requests_agency_type
        ON case_view_requests (agency_id, request_type, case_seq);
    `);
  }

  drop(db: ReadModelDb): void {
    db.exec('DROP TABLE IF EXISTS case_view_requests; DROP TABLE IF EXISTS case_views;');
  }

  apply(db: ReadModelDb, event: RecordedEvent): void {
    const caseId = event.streamId.slice(CASE_STREAM_PREFIX.length);
    const held = this.held.get(caseId);
    let before = held?.record;
    let seq = held?.seq ?? null;
    if (held === undefined) {
      const row = this.statementsFor(db).select.get(caseId);
      if (row !== undefined) {
        seq = row.seq;
        before = JSON.parse(row.record) as CaseRecord;
      }
    }
    const after = evolveCaseRecord(before, event);
    if (after === undefined) return;
    const newRequests = held?.newRequests ?? [];
    if (event.type === 'FederalRequestReceived') {
      const request = after.requests[after.requests.length - 1];
      newRequests.push([request.requestId, request.requestType, Date.parse(request.receivedAt)]);
    }
    this.held.set(caseId, {
      seq,
      record: after,
      newRequests,
      openedEvent: before === undefined ? JSON.stringify(event) : (held?.openedEvent ?? null),
      forget: held?.forget === true || event.type === 'PersonalDataErased',
    });
  }

  /** Cases in the order they were first touched, so that a new case's seq is its place in the log. */
  flush(db: ReadModelDb): void {
    const s = this.statementsFor(db);
    for (const [caseId, { seq, record, newRequests, openedEvent, forget }] of this.held) {
      const json = JSON.stringify(record);
      let caseSeq = seq;
      if (caseSeq === null) {
        caseSeq = Number(
          s.insert.run(
            caseId,
            record.agencyId,
            record.status,
            record.revision,
            forget ? null : openedEvent,
            json,
          ).lastInsertRowid,
        );
      } else {
        s.update.run(record.status, record.revision, json, caseId);
        if (forget) s.forget.run(caseId);
      }
      for (const [requestId, requestType, receivedAtMs] of newRequests) {
        s.addRequest.run(caseSeq, record.agencyId, requestId, requestType, receivedAtMs);
      }
    }
    this.discard();
  }

  discard(): void {
    this.held.clear();
  }
}
