import { Injectable } from '@nestjs/common';
import type { ReportEvent } from '@trust-ledger/domain';
import type { RecordedEvent } from '@trust-ledger/event-store';
import type { Statement } from 'better-sqlite3';
import type { Projection, ReadModelDb } from '../runner/projection';
import { ProjectionProvider } from '../runner/projections.module';
import { asDomainEvent } from '../shared/domain-event';
import { preparedPerDb } from '../shared/prepared';

export const REPORT_STREAM_PREFIX = 'report-';

interface Statements {
  publish: Statement<[string, string, string, string, string]>;
  amend: Statement<[string, number, string, string, string, string, string]>;
}

/**
 * The published reports (§ 11), each snapshot exactly as its event recorded it: statistics are kept
 * as recorded, so later events never change a published report and its hash keeps verifying.
 * Amendments are kept beside the original, never in its place. Numbered by `seq` in log order.
 */
@Injectable()
@ProjectionProvider()
export class PublishedReportsProjection implements Projection {
  readonly name = 'published-reports';
  readonly version = 1;
  readonly filter = { streamPrefixes: [REPORT_STREAM_PREFIX] };
  private readonly statementsFor = preparedPerDb<Statements>((db) => ({
    publish: db.prepare(
      `INSERT INTO published_reports (period, event_id, published_at, statistics, content_hash)
       VALUES (?, ?, ?, ?, ?)`,
    ),
    amend: db.prepare(
      `INSERT INTO report_amendments (period, revision, event_id, amended_at, reason, statistics, content_hash)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
  }));

  setup(db: ReadModelDb): void {
    db.exec(`
      CREATE TABLE published_reports (
        seq          INTEGER PRIMARY KEY,
        period       TEXT NOT NULL UNIQUE,
        event_id     TEXT NOT NULL,
        published_at TEXT NOT NULL,
        statistics   TEXT NOT NULL,
        content_hash TEXT NOT NULL
      ) STRICT;
      CREATE TABLE report_amendments (
        period       TEXT    NOT NULL,
        revision     INTEGER NOT NULL,
        event_id     TEXT    NOT NULL,
        amended_at   TEXT    NOT NULL,
        reason       TEXT    NOT NULL,
        statistics   TEXT    NOT NULL,
        content_hash TEXT    NOT NULL,
        PRIMARY KEY (period, revision)
      ) STRICT;
    `);
  }

  drop(db: ReadModelDb): void {
    db.exec('DROP TABLE IF EXISTS report_amendments; DROP TABLE IF EXISTS published_reports;');
  }

  apply(db: ReadModelDb, recorded: RecordedEvent): void {
    const s = this.statementsFor(db);
    const event = asDomainEvent<ReportEvent>(recorded);
    const { period, statistics, contentHash } = event.data;
    if (event.type === 'ReportPublished') {
      s.publish.run(period, recorded.id, event.data.publishedAt, JSON.stringify(statistics), contentHash);
    } else {
      s.amend.run(
        period,
        recorded.revision,
        recorded.id,
        event.data.amendedAt,
        event.data.reason,
        JSON.stringify(statistics),
        contentHash,
      );
    }
  }
}
