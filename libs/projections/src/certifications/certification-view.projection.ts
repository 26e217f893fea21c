import { Injectable } from '@nestjs/common';
import type { RecordedEvent } from '@trust-ledger/event-store';
import type { Statement } from 'better-sqlite3';
import type { Projection, ReadModelDb } from '../runner/projection';
import { ProjectionProvider } from '../runner/projections.module';
import { preparedPerDb } from '../shared/prepared';
import { evolveCertificationRecord, type CertificationRecord } from './certification-view';

export const CERTIFICATION_STREAM_PREFIX = 'certification-';

interface Statements {
  select: Statement<[string], { record: string }>;
  insert: Statement<[string, string, string, string, number, string, string]>;
  update: Statement<[string, string, string]>;
}

/**
 * One row per certification: the record JSON plus the columns lists filter on, numbered by `seq` in
 * log order so that a rebuild numbers them alike and paging is stable. `requested_event` keeps the
 * CertificationRequested event as recorded with its victim alone, so the victim is decoded
 * (decrypted) only when read, through the same codec as every other read of the log. Not its other
 * data: a qualifying activity recorded before it was sealed is in clear, and the record (which
 * PersonalDataErased rewrites) is where it is read from.
 */
@Injectable()
@ProjectionProvider()
export class CertificationViewProjection implements Projection {
  readonly name = 'certification-view';
  readonly version = 4;
  readonly filter = { streamPrefixes: [CERTIFICATION_STREAM_PREFIX] };
  private readonly statementsFor = preparedPerDb<Statements>((db) => ({
    select: db.prepare('SELECT record FROM certification_views WHERE certification_id = ?'),
    insert: db.prepare(
      `INSERT INTO certification_views
         (certification_id, agency_id, status, form, requested_ms, requested_event, record)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    update: db.prepare('UPDATE certification_views SET status = ?, record = ? WHERE certification_id = ?'),
  }));

  setup(db: ReadModelDb): void {
    db.exec(`
      CREATE TABLE certification_views (
        seq              INTEGER PRIMARY KEY,
        certification_id TEXT    NOT NULL UNIQUE,
        agency_id        TEXT    NOT NULL,
        status           TEXT    NOT NULL,
        form             TEXT    NOT NULL,
        requested_ms     INTEGER NOT NULL,
        requested_event  TEXT    NOT NULL,
        record           TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX certification_views_agency ON certification_views (agency_id, seq);
      CREATE INDEX certification_views_status ON certification_views (status, seq);
    `);
  }

  drop(db: ReadModelDb): void {
    db.exec('DROP TABLE IF EXISTS certification_views');
  }

  apply(db: ReadModelDb, event: RecordedEvent): void {
    const s = this.statementsFor(db);
    const certificationId = event.streamId.slice(CERTIFICATION_STREAM_PREFIX.length);
    const row = s.select.get(certificationId);
    const before = row === undefined ? undefined : (JSON.parse(row.record) as CertificationRecord);
    const after = evolveCertificationRecord(before, event);
    if (after === undefined) return;
    if (row === undefined) {
      s.insert.run(
        certificationId,
        after.agencyId,
        after.status,
        after.form,
        Date.parse(after.requestedAt),
        JSON.stringify({ ...event, data: { victim: event.data.victim } }),
        JSON.stringify(after),
      );
    } else {
      s.update.run(after.status, JSON.stringify(after), certificationId);
    }
  }
}
