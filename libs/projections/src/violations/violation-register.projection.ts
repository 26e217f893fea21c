import { Injectable } from '@nestjs/common';
import {
  evaluateReportingRules,
  ORDINANCE_STREAM_ID,
  reportingDeadlines,
  VIOLATION_STREAM_PREFIX,
  type DetectedViolation,
  type OrdinanceVersion,
  type OrdinanceVersionAdopted,
  type PublishedReport,
  type Recorded,
  type ReviewStatus,
} from '@trust-ledger/domain';
import type { EventFilter, JsonObject, RecordedEvent } from '@trust-ledger/event-store';
import type { Projection, ReadModelDb } from '../runner/projection';
import { ProjectionProvider } from '../runner/projections.module';
import { DEADLINE_STREAM_PREFIX } from '../scheduler/deadline-passed';
import { RULED_STREAM_PREFIXES, rulesFor, type StoredEvent, type StreamRules } from './rulebook';
import { applyReview, judge, type RegisteredViolation, type Trigger } from './violation-judgement';
import { UPSERT_VIOLATION_SQL, violationOf, violationParams, type ViolationRow } from './violation-rows';
import { VIOLATION_SCHEMA, VIOLATION_TABLES } from './violation-register.schema';

export const VIOLATION_REGISTER = 'violation-register';

const REPORT_STREAM_PREFIX = 'report-';

/** Recently judged streams' histories, so that judging a stream does not re-read and re-parse it. */
const HISTORY_CACHE_STREAMS = 2000;

interface StreamRow {
  agency_id: string | null;
  event_count: number;
  judged_until: string;
  latest_ms: number;
}

/** The ordinance stream as recorded so far, and the versions it adopted, in adoption order. */
interface Ordinance {
  count: number;
  adoptions: Recorded<OrdinanceVersionAdopted>[];
  versions: OrdinanceVersion[];
}

/** What one judgement found, to be settled into the register. */
interface Findings {
  current: RegisteredViolation[];
  detected: DetectedViolation[];
  agencyId: string | null;
  deadlines: string[];
}

function statementsOf(db: ReadModelDb) {
  return {
    stream: db.prepare<[string], StreamRow>(
      'SELECT agency_id, event_count, judged_until, latest_ms FROM vr_streams WHERE stream_id = ?',
    ),
    recordStream: db.prepare<[string, string | null, string, number]>(
      `INSERT INTO vr_streams (stream_id, agency_id, event_count, judged_until, latest_ms) VALUES (?, ?, 1, ?, ?)
       ON CONFLICT (stream_id) DO UPDATE SET agency_id = coalesce(agency_id, excluded.agency_id),
         event_count = event_count + 1, latest_ms = max(latest_ms, excluded.latest_ms)`,
    ),
    reportingStream: db.prepare<[string]>(
      `INSERT OR IGNORE INTO vr_streams (stream_id, agency_id, event_count, judged_until, latest_ms)
       VALUES ('${ORDINANCE_STREAM_ID}', NULL, 0, ?, 0)`,
    ),
    judged: db.prepare<[string, number, string]>(
      'UPDATE vr_streams SET judged_until = ?, latest_ms = max(latest_ms, ?) WHERE stream_id = ?',
    ),
    streamsSince: db
      .prepare<[number], string>('SELECT stream_id FROM vr_streams WHERE latest_ms >= ? ORDER BY stream_id')
      .pluck(),
    insertEvent: db.prepare<[string, number, string]>(
      'INSERT INTO vr_events (stream_id, revision, event) VALUES (?, ?, ?)',
    ),
    events: db
      .prepare<[string], string>('SELECT event FROM vr_events WHERE stream_id = ? ORDER BY revision')
      .pluck(),
    insertAdoption: db.prepare<[number, string]>(
      'INSERT OR IGNORE INTO vr_ordinance (revision, adoption) VALUES (?, ?)',
    ),
    adoptions: db.prepare<[], string>('SELECT adoption FROM vr_ordinance ORDER BY revision').pluck(),
    adoptionCount: db.prepare<[], number>('SELECT count(*) FROM vr_ordinance').pluck(),
    insertReport: db.prepare<[string, string]>(
      'INSERT OR IGNORE INTO vr_reports (period, published_at) VALUES (?, ?)',
    ),
    reports: db.prepare<[], PublishedReport>(
      'SELECT period, published_at AS publishedAt FROM vr_reports ORDER BY period',
    ),
    violationsOf: db.prepare<[string], ViolationRow>(
      'SELECT * FROM violations WHERE stream_id = ? ORDER BY seq',
    ),
    overdueReports: db.prepare<[], ViolationRow>(
      "SELECT * FROM violations WHERE rule_id = 'S11_REPORT_OVERDUE' ORDER BY seq",
    ),
    violation: db.prepare<[string], ViolationRow>('SELECT * FROM violations WHERE violation_id = ?'),
    upsert: db.prepare<(string | number | null)[]>(UPSERT_VIOLATION_SQL),
    deadlinesOf: db
      .prepare<[string], string>('SELECT deadline FROM vr_deadlines WHERE stream_id = ? ORDER BY deadline_ms')
      .pluck(),
    clearDeadlines: db.prepare<[string]>('DELETE FROM vr_deadlines WHERE stream_id = ?'),
    insertDeadline: db.prepare<[string, number, string]>(
      'INSERT OR IGNORE INTO vr_deadlines (stream_id, deadline_ms, deadline) VALUES (?, ?, ?)',
    ),
  };
}
type Statements = ReturnType<typeof statementsOf>;

/** Every top-level time an event's data names (`at`, `…At`): the moments its acts happened. */
function latestTimeOf(event: StoredEvent): number {
  let latest = Date.parse(event.recordedAt);
  for (const [key, value] of Object.entries(event.data)) {
    if (typeof value !== 'string' || (key !== 'at' && !key.endsWith('At'))) continue;
    const t = Date.parse(value);
    if (t > latest) latest = t;
  }
  return latest;
}

const later = (a: string, b: string): string => (Date.parse(b) > Date.parse(a) ? b : a);

function text(data: JsonObject, field: string, event: RecordedEvent): string {
  const value = data[field];
  if (typeof value !== 'string') throw new Error(`${event.type} ${event.id} has no ${field}`);
  return value;
}

/**
 * The violation register (§ 12). For every stream of a ruled aggregate it keeps the stream's events
 * (without personal data) and, on each event, runs the stream's pure rules again as of that
 * event's recordedAt (a DeadlinePassed: as of its deadline; never earlier than the stream was
 * already judged), under the ordinance versions recorded so far, and records the difference:
 * violations that now fire are OPEN, those that no longer fire are WITHDRAWN citing the event.
 * An adopted ordinance version re-judges every stream whose acts reach its effectiveFrom. § 11 is
 * judged over the ordinance's adoptions and the published reports. Counsel's reviews
 * (ViolationReviewed) set the status. All of it is a function of the log alone.
 */
@Injectable()
@ProjectionProvider()
export class ViolationRegisterProjection implements Projection {
  readonly name = VIOLATION_REGISTER;
  readonly version = 1;
  readonly filter: EventFilter = {
    streamPrefixes: [
      ...RULED_STREAM_PREFIXES,
      ORDINANCE_STREAM_ID,
      REPORT_STREAM_PREFIX,
      DEADLINE_STREAM_PREFIX,
      VIOLATION_STREAM_PREFIX,
    ],
  };

  private statements: { db: ReadModelDb; s: Statements } | undefined;
  private readonly histories = new Map<string, StoredEvent[]>();
  private ordinance: Ordinance | undefined;

  setup(db: ReadModelDb): void {
    db.exec(VIOLATION_SCHEMA);
    this.forget();
  }

  drop(db: ReadModelDb): void {
    for (const table of VIOLATION_TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
    this.forget();
  }

  apply(db: ReadModelDb, event: RecordedEvent): void {
    const s = this.statementsFor(db);
    const trigger: Trigger = { eventId: event.id, recordedAt: event.metadata.recordedAt };
    const { streamId, type } = event;
    if (streamId.startsWith(VIOLATION_STREAM_PREFIX)) {
      if (type === 'ViolationReviewed') this.review(s, event);
    } else if (streamId.startsWith(DEADLINE_STREAM_PREFIX)) {
      if (type !== 'DeadlinePassed') return;
      const judged = text(event.data, 'streamId', event);
      const deadline = text(event.data, 'deadline', event);
      if (judged === ORDINANCE_STREAM_ID) this.judgeReporting(s, deadline, trigger);
      else this.judgeStream(s, judged, deadline, trigger);
    } else if (streamId === ORDINANCE_STREAM_ID) {
      if (type === 'OrdinanceVersionAdopted') this.adopt(s, event, trigger);
    } else if (streamId.startsWith(REPORT_STREAM_PREFIX)) {
      if (type !== 'ReportPublished') return;
      // Only the first publication answers § 11's duty; amendments are kept beside it.
      s.insertReport.run(text(event.data, 'period', event), text(event.data, 'publishedAt', event));
      this.judgeReporting(s, event.metadata.recordedAt, trigger);
    } else {
      const rules = rulesFor(streamId);
      if (rules === undefined) return;
      this.record(s, event, rules);
      this.judgeStream(s, streamId, event.metadata.recordedAt, trigger);
    }
  }

  private record(s: Statements, event: RecordedEvent, rules: StreamRules): void {
    const data = { ...event.data };
    for (const field of rules.personalFields) delete data[field];
    const stored: StoredEvent = {
      type: event.type,
      data,
      eventId: event.id,
      streamId: event.streamId,
      revision: event.revision,
      recordedAt: event.metadata.recordedAt,
    };
    const count = s.stream.get(event.streamId)?.event_count ?? 0;
    // Already kept: the event is being processed again, and judging it again changes nothing.
    if (event.revision < count) return;
    if (event.revision > count) {
      throw new Error(
        `${event.streamId} revision ${event.revision} arrived after only ${count} of its events`,
      );
    }
    s.insertEvent.run(event.streamId, event.revision, JSON.stringify(stored));
    s.recordStream.run(
      event.streamId,
      rules.agencyOf(stored) ?? null,
      stored.recordedAt,
      latestTimeOf(stored),
    );
    const cached = this.histories.get(event.streamId);
    if (cached?.length === event.revision) cached.push(stored);
    else this.histories.delete(event.streamId);
  }

  private adopt(s: Statements, event: RecordedEvent, trigger: Trigger): void {
    const adoption: Recorded<OrdinanceVersionAdopted> = {
      type: 'OrdinanceVersionAdopted',
      data: event.data as unknown as OrdinanceVersion,
      eventId: event.id,
      streamId: event.streamId,
      revision: event.revision,
      recordedAt: event.metadata.recordedAt,
    };
    s.insertAdoption.run(event.revision, JSON.stringify(adoption));
    s.reportingStream.run(event.metadata.recordedAt);
    for (const streamId of s.streamsSince.all(Date.parse(adoption.data.effectiveFrom))) {
      this.judgeStream(s, streamId, event.metadata.recordedAt, trigger);
    }
    this.judgeReporting(s, event.metadata.recordedAt, trigger);
  }

  private judgeStream(s: Statements, streamId: string, at: string, trigger: Trigger): void {
    const stream = s.stream.get(streamId);
    const rules = rulesFor(streamId);
    // A deadline of a stream the register never saw (or of no ruled aggregate) has nothing to judge.
    if (stream === undefined || rules === undefined) return;
    const history = this.historyOf(s, streamId, stream.event_count);
    const { versions } = this.ordinanceOf(s);
    const now = later(stream.judged_until, at);
    this.settle(s, streamId, now, trigger, {
      current: s.violationsOf.all(streamId).map(violationOf),
      detected: rules.evaluate(history, versions, now),
      agencyId: stream.agency_id,
      deadlines: rules.deadlines(history, versions),
    });
  }

  /**
   * § 11 is judged over the ordinance's adoptions and the reports published, not over one stream;
   * the register keeps its judged moment and deadlines under the `ordinance` stream's id.
   */
  private judgeReporting(s: Statements, at: string, trigger: Trigger): void {
    const stream = s.stream.get(ORDINANCE_STREAM_ID);
    if (stream === undefined) return;
    const now = later(stream.judged_until, at);
    const { adoptions } = this.ordinanceOf(s);
    const published = s.reports.all();
    this.settle(s, ORDINANCE_STREAM_ID, now, trigger, {
      current: s.overdueReports.all().map(violationOf),
      detected: evaluateReportingRules(published, adoptions, now),
      agencyId: null,
      deadlines: reportingDeadlines(published, adoptions, now),
    });
  }

  /** Records what a judgement at `now` changed, the deadlines still ahead, and that it was made. */
  private settle(s: Statements, streamId: string, now: string, trigger: Trigger, found: Findings): void {
    for (const changed of judge(found.current, found.detected, found.agencyId, trigger)) {
      s.upsert.run(...violationParams(changed));
    }
    const nowMs = Date.parse(now);
    const ahead = [...new Set(found.deadlines.map((d) => Date.parse(d)))]
      .filter((ms) => ms > nowMs)
      .sort((a, b) => a - b)
      .map((ms) => new Date(ms).toISOString());
    if (ahead.join() !== s.deadlinesOf.all(streamId).join()) {
      s.clearDeadlines.run(streamId);
      for (const d of ahead) s.insertDeadline.run(streamId, Date.parse(d), d);
    }
    s.judged.run(now, ahead.length > 0 ? Date.parse(ahead[ahead.length - 1]) : 0, streamId);
  }

  private review(s: Statements, event: RecordedEvent): void {
    const row = s.violation.get(text(event.data, 'violationId', event));
    // The review API accepts only violations in the register, so the register reached them first.
    if (row === undefined) return;
    const violation = violationOf(row);
    if (violation.statusHistory.some((h) => h.eventId === event.id)) return;
    const reviewed = applyReview(violation, {
      status: text(event.data, 'status', event) as ReviewStatus,
      note: text(event.data, 'note', event),
      at: text(event.data, 'reviewedAt', event),
      by: event.metadata.actor,
      eventId: event.id,
    });
    s.upsert.run(...violationParams(reviewed));
  }

  private historyOf(s: Statements, streamId: string, count: number): StoredEvent[] {
    let history = this.histories.get(streamId);
    // Events at a revision never change, so a cached history of the right length is the history.
    if (history?.length !== count) {
      history = s.events.all(streamId).map((e) => JSON.parse(e) as StoredEvent);
    }
    this.histories.delete(streamId);
    this.histories.set(streamId, history);
    if (this.histories.size > HISTORY_CACHE_STREAMS) {
      this.histories.delete(this.histories.keys().next().value as string);
    }
    return history;
  }

  private ordinanceOf(s: Statements): Ordinance {
    const count = s.adoptionCount.get() as number;
    if (this.ordinance?.count !== count) {
      const adoptions = s.adoptions.all().map((a) => JSON.parse(a) as Recorded<OrdinanceVersionAdopted>);
      this.ordinance = { count, adoptions, versions: adoptions.map((a) => a.data) };
    }
    return this.ordinance;
  }

  private statementsFor(db: ReadModelDb): Statements {
    if (this.statements?.db !== db) this.statements = { db, s: statementsOf(db) };
    return this.statements.s;
  }

  private forget(): void {
    this.statements = undefined;
    this.histories.clear();
    this.ordinance = undefined;
  }
}
