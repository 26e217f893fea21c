import { Injectable } from '@nestjs/common';
import type { RecordedEvent } from '@trust-ledger/event-store';
import type { Statement } from 'better-sqlite3';
import type { Projection, ReadModelDb } from '../runner/projection';
import { ProjectionProvider } from '../runner/projections.module';
import { preparedPerDb } from '../shared/prepared';
import { evolveMatterRecord, type MatterRecord } from './matter-view';

export const MATTER_STREAM_PREFIX = 'matter-';

interface Statements {
  select: Statement<[string], { record: string }>;
  insert: Statement<[string, string, string, string | null, number, string]>;
  update: Statement<[string, string]>;
}

/**
 * One row per matter: the record JSON plus the columns lists filter on, numbered by `seq` in log
 * order so that a rebuild numbers them alike and paging is stable.
 */
@Injectable()
@ProjectionProvider()
export class MatterViewProjection implements Projection {
  readonly name = 'matter-view';
  readonly version = 1;
  readonly filter = { streamPrefixes: [MATTER_STREAM_PREFIX] };
  private readonly statementsFor = preparedPerDb<Statements>((db) => ({
    select: db.prepare('SELECT record FROM matter_views WHERE matter_id = ?'),
    insert: db.prepare(
      `INSERT INTO matter_views (matter_id, agency_id, kind, requesting_agency, received_ms, record)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    update: db.prepare('UPDATE matter_views SET record = ? WHERE matter_id = ?'),
  }));

  setup(db: ReadModelDb): void {
    db.exec(`
      CREATE TABLE matter_views (
        seq               INTEGER PRIMARY KEY,
        matter_id         TEXT    NOT NULL UNIQUE,
        agency_id         TEXT    NOT NULL,
        kind              TEXT    NOT NULL,
        requesting_agency TEXT,
        received_ms       INTEGER NOT NULL,
        record            TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX matter_views_agency ON matter_views (agency_id, seq);
      CREATE INDEX matter_views_kind ON matter_views (kind, seq);
    `);
  }

  drop(db: ReadModelDb): void {
    db.exec('DROP TABLE IF EXISTS matter_views');
  }

  apply(db: ReadModelDb, event: RecordedEvent): void {
    const s = this.statementsFor(db);
    const matterId = event.streamId.slice(MATTER_STREAM_PREFIX.length);
    const row = s.select.get(matterId);
    const before = row === undefined ? undefined : (JSON.parse(row.record) as MatterRecord);
    const after = evolveMatterRecord(before, event);
    if (after === undefined) return;
    if (row === undefined) {
      s.insert.run(
        matterId,
        after.agencyId,
        after.kind,
        after.requestingAgency,
        Date.parse(after.receivedAt),
        JSON.stringify(after),
      );
    } else {
      s.update.run(JSON.stringify(after), matterId);
    }
  }
}
