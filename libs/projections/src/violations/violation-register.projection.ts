import { Injectable } from '@nestjs/common';
import {
  ORDINANCE_STREAM_ID,
  VIOLATION_STREAM_PREFIX,
  type OrdinanceVersion,
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

interface StreamRow {
  agency_id: string | null;
  event_count: number;
  judged_until: string;
  latest_ms: number;
}

/** Recently judged streams' histories, so that judging a stream does not re-read and re-parse it. */
const HISTORY_CACHE_STREAMS = 2000;

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
    insertVersion: db.prepare<[number, string]>(
      'INSERT OR IGNORE INTO vr_ordinance (revision, version) VALUES (?, ?)',
    ),
    versions: db.prepare<[], string>('SELECT version FROM vr_ordinance ORDER BY revision').pluck(),
    versionCount: db.prepare<[], number>('SELECT count(*) FROM vr_ordinance').pluck(),
    violationsOf: db.prepare<[string], ViolationRow>(
      'SELECT * FROM violations WHERE stream_id = ? ORDER BY seq',
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
 * An adopted ordinance version re-judges every stream whose acts reach its effectiveFrom. Counsel's
 * reviews (ViolationReviewed) set the status. All of it is a function of the log alone.
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
      DEADLINE_STREAM_PREFIX,
      VIOLATION_STREAM_PREFIX,
    ],
  };

  private statements: { db: ReadModelDb; s: Statements } | undefined;
  private readonly histories = new Map<string, StoredEvent[]>();
  private ordinance: { count: number; versions: OrdinanceVersion[] } | undefined;

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
    if (event.streamId.startsWith(VIOLATION_STREAM_PREFIX)) {
      if (event.type === 'ViolationReviewed') this.review(s, event);
    } else if (event.streamId.startsWith(DEADLINE_STREAM_PREFIX)) {
      if (event.type === 'DeadlinePassed') {
        this.judgeStream(
          s,
          text(event.data, 'streamId', event),
          text(event.data, 'deadline', event),
          trigger,
        );
      }
    } else if (event.streamId === ORDINANCE_STREAM_ID) {
      if (event.type === 'OrdinanceVersionAdopted') this.adopt(s, event, trigger);
    } else {
      const rules = rulesFor(event.streamId);
      if (rules === undefined) return;
      this.record(s, event, rules);
      this.judgeStream(s, event.streamId, event.metadata.recordedAt, trigger);
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
    const version = event.data as unknown as OrdinanceVersion;
    s.insertVersion.run(event.revision, JSON.stringify(version));
    for (const streamId of s.streamsSince.all(Date.parse(version.effectiveFrom))) {
      this.judgeStream(s, streamId, event.metadata.recordedAt, trigger);
    }
  }

  private judgeStream(s: Statements, streamId: string, at: string, trigger: Trigger): void {
    const stream = s.stream.get(streamId);
    const rules = rulesFor(streamId);
    // A deadline of a stream the register never saw (or of no ruled aggregate) has nothing to judge.
    if (stream === undefined || rules === undefined) return;
    const history = this.historyOf(s, streamId, stream.event_count);
    const ordinance = this.ordinanceOf(s);
    const now = later(stream.judged_until, at);

    const current = s.violationsOf.all(streamId).map(violationOf);
    for (const changed of judge(
      current,
      rules.evaluate(history, ordinance, now),
      stream.agency_id,
      trigger,
    )) {
      s.upsert.run(...violationParams(changed));
    }

    const nowMs = Date.parse(now);
    const ahead = [...new Set(rules.deadlines(history, ordinance).map((d) => Date.parse(d)))]
      .filter((ms) => ms > nowMs)
      .sort((a, b) => a - b)
      .map((ms) => new Date(ms).toISOString());
    const kept = s.deadlinesOf.all(streamId);
    if (ahead.join() !== kept.join()) {
      s.clearDeadlines.run(streamId);
      for (const d of ahead) s.insertDeadline.run(streamId, Date.parse(d), d);
    }
    s.judged.run(now, ahead.length > 0 ? Date.parse(ahead[ahead.length - 1]) : 0, streamId);
  }

  private review(s: Statements, event: RecordedEvent): void {
    const violationId = text(event.data, 'violationId', event);
    const row = s.violation.get(violationId);
    // The review API accepts only violations in the register, so the register reached them first.
    if (row === undefined) return;
    const violation: RegisteredViolation = violationOf(row);
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

  private ordinanceOf(s: Statements): OrdinanceVersion[] {
    const count = s.versionCount.get() as number;
    if (this.ordinance?.count !== count) {
      this.ordinance = { count, versions: s.versions.all().map((v) => JSON.parse(v) as OrdinanceVersion) };
    }
    return this.ordinance.versions;
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
