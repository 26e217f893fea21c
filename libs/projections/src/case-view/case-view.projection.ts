import { Injectable } from '@nestjs/common';
import type { RecordedEvent } from '@trust-ledger/event-store';
import type { Statement } from 'better-sqlite3';
import type { Projection, ReadModelDb } from '../runner/projection';
import { ProjectionProvider } from '../runner/projections.module';
import { evolveCaseRecord, type CaseRecord } from './case-view';

export const CASE_STREAM_PREFIX = 'case-';

/** Per database, since prepared statements belong to one connection. */
interface Statements {
  select: Statement<[string], { record: string }>;
  insert: Statement<[string, string, string, number, string, string]>;
  update: Statement<[string, number, string, string]>;
  forget: Statement<[string]>;
  addRequest: Statement<[string, string, string, number]>;
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
  readonly version = 1;
  readonly filter = { streamPrefixes: [CASE_STREAM_PREFIX] };
  private readonly statements = new WeakMap<ReadModelDb, Statements>();

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
      CREATE TABLE case_view_requests (
        case_id        TEXT NOT NULL,
        request_id     TEXT NOT NULL,
        request_type   TEXT NOT NULL,
        received_at_ms INTEGER NOT NULL,
        PRIMARY KEY (case_id, request_id)
      ) STRICT;
      CREATE INDEX case_view_requests_type ON case_view_requests (request_type, received_at_ms);
      CREATE INDEX case_view_requests_received ON case_view_requests (received_at_ms);
    `);
  }

  drop(db: ReadModelDb): void {
    db.exec('DROP TABLE IF EXISTS case_view_requests; DROP TABLE IF EXISTS case_views;');
  }

  apply(db: ReadModelDb, event: RecordedEvent): void {
    const s = this.statementsFor(db);
    const caseId = event.streamId.slice(CASE_STREAM_PREFIX.length);
    const row = s.select.get(caseId);
    const before = row === undefined ? undefined : (JSON.parse(row.record) as CaseRecord);
    const after = evolveCaseRecord(before, event);
    if (after === undefined) return;
    const json = JSON.stringify(after);
    if (row === undefined) {
      s.insert.run(caseId, after.agencyId, after.status, after.revision, JSON.stringify(event), json);
    } else {
      s.update.run(after.status, after.revision, json, caseId);
    }
    if (event.type === 'PersonalDataErased') s.forget.run(caseId);
    if (event.type === 'FederalRequestReceived') {
      const request = after.requests[after.requests.length - 1];
      s.addRequest.run(caseId, request.requestId, request.requestType, Date.parse(request.receivedAt));
    }
  }

  private statementsFor(db: ReadModelDb): Statements {
    let s = this.statements.get(db);
    if (s === undefined) {
      s = {
        select: db.prepare('SELECT record FROM case_views WHERE case_id = ?'),
        insert: db.prepare(
          'INSERT INTO case_views (case_id, agency_id, status, revision, opened_event, record) VALUES (?, ?, ?, ?, ?, ?)',
        ),
        update: db.prepare('UPDATE case_views SET status = ?, revision = ?, record = ? WHERE case_id = ?'),
        forget: db.prepare('UPDATE case_views SET opened_event = NULL WHERE case_id = ?'),
        addRequest: db.prepare(
          'INSERT INTO case_view_requests (case_id, request_id, request_type, received_at_ms) VALUES (?, ?, ?, ?)',
        ),
      };
      this.statements.set(db, s);
    }
    return s;
  }
}
