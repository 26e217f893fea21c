import { Injectable, Logger } from '@nestjs/common';
import {
  actOf,
  DEADLINE_STREAM_PREFIX,
  epochMsOf,
  evaluateReportingRules,
  later,
  ORDINANCE_STREAM_ID,
  reportingDeadlines,
  reviewedActOf,
  violationActOf,
  VIOLATION_STREAM_PREFIX,
  violationStreamId,
  type OrdinanceVersion,
  type OrdinanceVersionAdopted,
  type PublishedReport,
  type Recorded,
  type ReviewStatus,
  type ViolationAct,
  type ViolationReviewed,
} from '@trust-ledger/domain';
import type { EventFilter, JsonObject, RecordedEvent } from '@trust-ledger/event-store';
import type { Projection, ReadModelDb } from '../runner/projection';
import { adoptionOf } from '../ordinance/ordinance-history.provider';
import { ProjectionProvider } from '../runner/projections.module';
import { REPORT_STREAM_PREFIX } from '../reports/published-reports.projection';
import {
  RULED_STREAM_PREFIXES,
  rulesFor,
  type Findings,
  type StoredEvent,
  type StreamRules,
} from './rulebook';
import {
  applyReview,
  formerViolationIdOf,
  judge,
  type RegisteredViolation,
  type Review,
  type Trigger,
} from './violation-judgement';
import { UPSERT_VIOLATION_SQL, violationOf, violationParams, type ViolationRow } from './violation-rows';
import {
  COUNT_UNRESOLVED_SQL,
  HISTORY_CHUNK_EVENTS,
  VIOLATION_SCHEMA,
  VIOLATION_TABLES,
  VIOLATIONS_OF_RULE_IN_STREAM_SQL,
} from './violation-register.schema';

export const VIOLATION_REGISTER = 'violation-register';

/** Recently judged streams' histories, so that judging a stream does not re-read and re-parse it. */
const HISTORY_CACHE_STREAMS = 500;

/** What the register keeps about each judged stream between its events. */
interface StreamState {
  /** Its number in vr_streams; null until the stream is first written. */
  seq: number | null;
  agencyId: string | null;
  eventCount: number;
  /** The latest moment the stream has been judged at: judging never goes back in time. */
  judgedUntil: string;
  /** The latest time its acts, records or deadlines name: what an ordinance version re-judges. */
  latestMs: number;
  /** The deadlines still ahead, as kept in vr_deadlines (JSON), to touch that table only on change. */
  deadlines: string;
}

/** The ordinance stream as recorded so far, and the versions it adopted, in adoption order. */
interface Ordinance {
  adoptions: Recorded<OrdinanceVersionAdopted>[];
  versions: OrdinanceVersion[];
}

function statementsOf(db: ReadModelDb) {
  return {
    stream: db.prepare<[string], StreamState>(
      `SELECT seq, agency_id AS agencyId, event_count AS eventCount, judged_until AS judgedUntil,
         latest_ms AS latestMs, deadlines FROM vr_streams WHERE stream_id = ?`,
    ),
    insertStream: db.prepare<[string, string | null, number, string, number, string]>(
      `INSERT INTO vr_streams (stream_id, agency_id, event_count, judged_until, latest_ms, deadlines)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    updateStream: db.prepare<[string | null, number, string, number, string, number]>(
      `UPDATE vr_streams SET agency_id = ?, event_count = ?, judged_until = ?, latest_ms = ?, deadlines = ?
       WHERE seq = ?`,
    ),
    streamsSince: db
      .prepare<[number], string>('SELECT stream_id FROM vr_streams WHERE latest_ms >= ? ORDER BY seq')
      .pluck(),
    saveChunk: db.prepare<[number, number, string]>(
      `INSERT INTO vr_events (stream_seq, chunk, events) VALUES (?, ?, ?)
       ON CONFLICT (stream_seq, chunk) DO UPDATE SET events = excluded.events`,
    ),
    chunk: db
      .prepare<[number, number], string>('SELECT events FROM vr_events WHERE stream_seq = ? AND chunk = ?')
      .pluck(),
    chunks: db
      .prepare<[number], string>('SELECT events FROM vr_events WHERE stream_seq = ? ORDER BY chunk')
      .pluck(),
    insertAdoption: db.prepare<[number, string]>(
      'INSERT OR IGNORE INTO vr_ordinance (revision, adoption) VALUES (?, ?)',
    ),
    adoptions: db.prepare<[], string>('SELECT adoption FROM vr_ordinance ORDER BY revision').pluck(),
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
    violationsOfRule: db.prepare<[string, string], ViolationRow>(VIOLATIONS_OF_RULE_IN_STREAM_SQL),
    insertUnapplied: db.prepare<
      [string, string, string | null, string | null, string | null, string, number, string, string, string]
    >(
      `INSERT OR IGNORE INTO vr_unapplied_reviews (event_id, violation_id, rule_id, stream_id, act,
         reviewed_at, violations_of_act, status, note, reviewed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    unappliedOfAct: db.prepare<[string, string, string], UnappliedRow>(
      `SELECT event_id AS eventId, violation_id AS violationId, reviewed_at AS at, status, note,
         reviewed_by AS "by" FROM vr_unapplied_reviews WHERE stream_id = ? AND rule_id = ? AND act = ?
       ORDER BY reviewed_at, event_id`,
    ),
    deleteUnapplied: db.prepare<[string]>('DELETE FROM vr_unapplied_reviews WHERE event_id = ?'),
    countUnapplied: db.prepare<[], number>('SELECT count(*) FROM vr_unapplied_reviews').pluck(),
    insertFormerId: db.prepare<[string, string]>(
      'INSERT OR IGNORE INTO vr_former_ids (former_id, violation_id) VALUES (?, ?)',
    ),
    formerIdOf: db
      .prepare<[string], string>('SELECT violation_id FROM vr_former_ids WHERE former_id = ?')
      .pluck(),
    insertReviewStream: db.prepare<[string, string]>(
      'INSERT OR IGNORE INTO vr_review_streams (violation_id, stream_id) VALUES (?, ?)',
    ),
    upsert: db.prepare<(string | number | null)[]>(UPSERT_VIOLATION_SQL),
    countUnresolved: db.prepare<[{ streamId: string }]>(COUNT_UNRESOLVED_SQL),
    clearDeadlines: db.prepare<[number]>('DELETE FROM vr_deadlines WHERE stream_seq = ?'),
    insertDeadline: db.prepare<[number, number, string, string]>(
      'INSERT OR IGNORE INTO vr_deadlines (stream_seq, deadline_ms, stream_id, deadline) VALUES (?, ?, ?, ?)',
    ),
  };
}
type Statements = ReturnType<typeof statementsOf>;

/** A review kept unapplied, as it is applied once the register finds the one violation of its act. */
type UnappliedRow = Review & { violationId: string };

/** Every top-level time an event's data names (`at`, `…At`): the moments its acts happened. */
function latestTimeOf(event: StoredEvent): number {
  let latest = epochMsOf(event.recordedAt);
  // for…in, not Object.entries: this runs at every event, and the entries array was a tenth of it.
  for (const key in event.data) {
    const value = event.data[key];
    if (typeof value !== 'string' || (key !== 'at' && !key.endsWith('At'))) continue;
    const t = epochMsOf(value);
    if (t > latest) latest = t;
  }
  return latest;
}

function text(data: JsonObject, field: string, event: RecordedEvent): string {
  const value = data[field];
  if (typeof value !== 'string') throw new Error(`${event.type} ${event.id} has no ${field}`);
  return value;
}

/**
 * The violation register (§ 12). For every stream of a ruled aggregate it keeps the stream's events
 * (only the data its rules read) and, on each event, runs the stream's pure rules again as of that
 * event's recordedAt (a DeadlinePassed: as of its deadline; never earlier than the stream was
 * already judged), under the ordinance versions recorded so far, and records the difference:
 * violations that now fire are OPEN, those that no longer fire are WITHDRAWN citing the event.
 * An adopted ordinance version re-judges every stream whose acts reach its effectiveFrom. § 11 is
 * judged over the ordinance's adoptions and the published reports. Counsel's reviews
 * (ViolationReviewed) set the status; those it cannot apply are kept apart and counted on /health.
 * All of it is a function of the log alone.
 */
@Injectable()
@ProjectionProvider()
export class ViolationRegisterProjection implements Projection {
  readonly name = VIOLATION_REGISTER;
  readonly version = 24;
  readonly filter: EventFilter = {
    streamPrefixes: [
      ...RULED_STREAM_PREFIXES,
      ORDINANCE_STREAM_ID,
      REPORT_STREAM_PREFIX,
      DEADLINE_STREAM_PREFIX,
      VIOLATION_STREAM_PREFIX,
    ],
  };

  private readonly logger = new Logger('ViolationRegister');
  private statements: { db: ReadModelDb; s: Statements } | undefined;
  private readonly histories = new Map<string, StoredEvent[]>();
  private ordinance: Ordinance | undefined;
  /** Since the last flush: streams' state as judged, each judged stream's violations as they now
   * stand, the violations that changed (in the order they first did, which numbers new ones), and
   * the deadlines ahead of the streams whose deadlines changed. */
  private readonly states = new Map<string, StreamState>();
  private readonly violations = new Map<string, RegisteredViolation[]>();
  private readonly changed = new Map<string, RegisteredViolation>();
  private readonly deadlinesAhead = new Map<string, string[]>();
  /** Events recorded since the last flush, by stream, in revision order. */
  private readonly kept = new Map<string, StoredEvent[]>();

  setup(db: ReadModelDb): void {
    db.exec(VIOLATION_SCHEMA);
    this.forget();
  }

  drop(db: ReadModelDb): void {
    for (const table of VIOLATION_TABLES) db.exec(`DROP TABLE IF EXISTS ${table}`);
    this.forget();
  }

  flush(db: ReadModelDb): void {
    this.write(this.statementsFor(db));
  }

  discard(): void {
    this.forgetHeld();
    // A rolled-back batch may have lengthened cached histories, or adopted a version.
    this.histories.clear();
    this.ordinance = undefined;
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
      if (rules !== undefined) this.record(s, event, rules, trigger);
    }
  }

  /** Keeps a ruled stream's event and judges the stream as of its recordedAt. */
  private record(s: Statements, event: RecordedEvent, rules: StreamRules, trigger: Trigger): void {
    const data = rules.kept(event);
    const stored: StoredEvent = {
      type: event.type,
      data,
      eventId: event.id,
      streamId: event.streamId,
      revision: event.revision,
      recordedAt: event.metadata.recordedAt,
    };
    const state: StreamState = this.stateOf(s, event.streamId) ?? {
      seq: null,
      agencyId: null,
      eventCount: 0,
      judgedUntil: stored.recordedAt,
      latestMs: 0,
      deadlines: '[]',
    };
    // Already kept (and judged): the event is being processed again, which changes nothing.
    if (event.revision < state.eventCount) return;
    if (event.revision > state.eventCount) {
      throw new Error(
        `${event.streamId} revision ${event.revision} arrived after only ${state.eventCount} of its events`,
      );
    }
    const kept = this.kept.get(event.streamId);
    if (kept === undefined) this.kept.set(event.streamId, [stored]);
    else kept.push(stored);
    const cached = this.histories.get(event.streamId);
    if (cached?.length === event.revision) cached.push(stored);
    // A stream's first event is its whole history: no need to read it back.
    else if (event.revision === 0) this.histories.set(event.streamId, [stored]);
    else this.histories.delete(event.streamId);
    const recorded: StreamState = {
      seq: state.seq,
      agencyId: state.agencyId ?? rules.agencyOf(stored) ?? null,
      eventCount: state.eventCount + 1,
      judgedUntil: state.judgedUntil,
      latestMs: Math.max(state.latestMs, latestTimeOf(stored)),
      deadlines: state.deadlines,
    };
    this.judge(s, event.streamId, rules, recorded, stored.recordedAt, trigger);
  }

  private adopt(s: Statements, event: RecordedEvent, trigger: Trigger): void {
    const adoption = adoptionOf(event);
    s.insertAdoption.run(event.revision, JSON.stringify(adoption));
    this.ordinance = undefined;
    this.write(s);
    for (const streamId of s.streamsSince.all(Date.parse(adoption.data.effectiveFrom))) {
      this.judgeStream(s, streamId, event.metadata.recordedAt, trigger);
    }
    this.judgeReporting(s, event.metadata.recordedAt, trigger);
  }

  private judgeStream(s: Statements, streamId: string, at: string, trigger: Trigger): void {
    const state = this.stateOf(s, streamId);
    const rules = rulesFor(streamId);
    // A deadline of a stream the register never saw (or of no ruled aggregate) has nothing to judge.
    if (state !== undefined && rules !== undefined) this.judge(s, streamId, rules, state, at, trigger);
  }

  private judge(
    s: Statements,
    streamId: string,
    rules: StreamRules,
    state: StreamState,
    at: string,
    trigger: Trigger,
  ): void {
    const history = this.historyOf(s, streamId, state);
    const { versions } = this.ordinanceOf(s);
    const now = later(state.judgedUntil, at);
    this.settle(
      streamId,
      state,
      now,
      trigger,
      this.violationsOf(s, streamId),
      rules.judge(history, versions, now),
    );
  }

  /**
   * § 11 is judged over the ordinance's adoptions and the reports published, not over one stream;
   * the register keeps its judged moment and deadlines under the `ordinance` stream's id.
   */
  private judgeReporting(s: Statements, at: string, trigger: Trigger): void {
    const { adoptions } = this.ordinanceOf(s);
    if (adoptions.length === 0) return;
    // It reads the register across streams, so what is held in memory is written first.
    this.write(s);
    const state: StreamState = s.stream.get(ORDINANCE_STREAM_ID) ?? {
      seq: null,
      agencyId: null,
      eventCount: 0,
      judgedUntil: adoptions[0].recordedAt,
      latestMs: 0,
      deadlines: '[]',
    };
    const now = later(state.judgedUntil, at);
    const published = s.reports.all();
    this.settle(ORDINANCE_STREAM_ID, state, now, trigger, s.overdueReports.all().map(violationOf), {
      violations: evaluateReportingRules(published, adoptions, now),
      deadlines: reportingDeadlines(published, adoptions, now),
    });
  }

  /**
   * Records what a judgement at `now` changed from the `current` violations, the deadlines still
   * ahead, and that it was made.
   */
  private settle(
    streamId: string,
    state: StreamState,
    now: string,
    trigger: Trigger,
    current: RegisteredViolation[],
    found: Findings,
  ): void {
    const held = this.violations.get(streamId);
    for (const changed of judge(current, found.violations, state.agencyId, trigger)) {
      this.changed.set(changed.violationId, changed);
      if (held !== undefined) {
        const at = held.findIndex((v) => v.violationId === changed.violationId);
        if (at >= 0) held[at] = changed;
        else held.push(changed);
      }
    }
    const nowMs = epochMsOf(now);
    const aheadMs = [...new Set(found.deadlines.map(epochMsOf))]
      .filter((ms) => ms > nowMs)
      .sort((a, b) => a - b);
    const ahead = aheadMs.map((ms) => new Date(ms).toISOString());
    const deadlines = JSON.stringify(ahead);
    if (deadlines !== state.deadlines) this.deadlinesAhead.set(streamId, ahead);
    const latestMs = Math.max(state.latestMs, aheadMs[aheadMs.length - 1] ?? 0);
    this.states.set(streamId, { ...state, judgedUntil: now, latestMs, deadlines });
  }

  /**
   * Writes what is held in memory and forgets it. Streams first, in the order first judged: that
   * numbers new ones in the order the log first named them, whatever its batches.
   */
  private write(s: Statements): void {
    for (const [streamId, st] of this.states) {
      const row = [st.agencyId, st.eventCount, st.judgedUntil, st.latestMs, st.deadlines] as const;
      if (st.seq === null) st.seq = Number(s.insertStream.run(streamId, ...row).lastInsertRowid);
      else s.updateStream.run(...row, st.seq);
    }
    // Every stream with events or deadlines to write was judged, so it has a number now.
    const seqOf = (streamId: string): number => this.states.get(streamId)!.seq!;
    for (const [streamId, events] of this.kept) this.saveEvents(s, seqOf(streamId), streamId, events);
    for (const v of this.changed.values()) {
      s.upsert.run(...violationParams(v));
      const formerId = formerViolationIdOf(v);
      if (formerId !== undefined) s.insertFormerId.run(formerId, v.violationId);
    }
    if (s.countUnapplied.get()! > 0) for (const v of this.changed.values()) this.applyKeptReviews(s, v);
    for (const streamId of new Set([...this.changed.values()].map((v) => v.streamId))) {
      s.countUnresolved.run({ streamId });
    }
    for (const [streamId, ahead] of this.deadlinesAhead) {
      const seq = seqOf(streamId);
      s.clearDeadlines.run(seq);
      for (const d of ahead) s.insertDeadline.run(seq, Date.parse(d), streamId, d);
    }
    this.forgetHeld();
  }

  /** Writes the chunks the stream's new events fall in, each with the events it already held. */
  private saveEvents(s: Statements, seq: number, streamId: string, events: StoredEvent[]): void {
    const first = events[0].revision;
    const firstChunk = Math.floor(first / HISTORY_CHUNK_EVENTS);
    const start = firstChunk * HISTORY_CHUNK_EVENTS;
    // The chunk's events from earlier batches (the common case in a rebuild: none; when following
    // the log, the stream was just judged, so its history is usually cached and need not be read).
    const cached = this.histories.get(streamId);
    const earlier =
      first === start
        ? []
        : cached !== undefined && cached.length >= first
          ? cached.slice(start, first)
          : (JSON.parse(s.chunk.get(seq, firstChunk) ?? '[]') as StoredEvent[]);
    const all = [...earlier, ...events];
    for (let at = 0; at < all.length; at += HISTORY_CHUNK_EVENTS) {
      const chunk = all.slice(at, at + HISTORY_CHUNK_EVENTS);
      s.saveChunk.run(seq, firstChunk + at / HISTORY_CHUNK_EVENTS, JSON.stringify(chunk));
    }
  }

  private forgetHeld(): void {
    this.kept.clear();
    this.states.clear();
    this.violations.clear();
    this.changed.clear();
    this.deadlinesAhead.clear();
  }

  private stateOf(s: Statements, streamId: string): StreamState | undefined {
    return this.states.get(streamId) ?? s.stream.get(streamId);
  }

  private violationsOf(s: Statements, streamId: string): RegisteredViolation[] {
    let held = this.violations.get(streamId);
    if (held === undefined) {
      held = s.violationsOf.all(streamId).map(violationOf);
      this.violations.set(streamId, held);
    }
    return [...held];
  }

  /**
   * Applies counsel's review to the violation it names by id or, when the register holds no such
   * id (a rules change found the act citing other events, so under another id), to the one
   * violation of the act it names (naming none, to the violation that had the id before ids left
   * out hidden evidence). Else it is kept in vr_unapplied_reviews, which /health counts.
   */
  private review(s: Statements, event: RecordedEvent): void {
    this.write(s);
    const violationId = text(event.data, 'violationId', event);
    const act = reviewedActOf(event.data as ViolationReviewed['data']);
    const review: Review = {
      status: text(event.data, 'status', event) as ReviewStatus,
      note: text(event.data, 'note', event),
      at: text(event.data, 'reviewedAt', event),
      by: event.metadata.actor,
      eventId: event.id,
    };
    const found = this.reviewed(s, violationId, act);
    if (found.length !== 1) {
      // The review API accepts only violations in the register, so the register reached them first.
      // After a rules change, a rebuild may not find the violation again (rightly, if the corrected
      // rules do not fire; wrongly, if they fire under another id and the review names no act, or the
      // rules now cite another event first, so another act).
      this.logger.warn(
        `review ${event.id} of violation ${violationId} not applied: the register holds no such violation, ` +
          `and ${found.length} of ${act === undefined ? 'an act the review does not name' : 'its act'}`,
      );
      s.insertUnapplied.run(
        event.id,
        violationId,
        act?.ruleId ?? null,
        act?.streamId ?? null,
        act?.act ?? null,
        review.at,
        found.length,
        review.status,
        review.note,
        review.by,
      );
      return;
    }
    this.applyTo(s, found[0], review, violationId);
    s.countUnresolved.run({ streamId: found[0].streamId });
  }

  /**
   * A review kept unapplied whose act `v` is, now that the register holds that violation (new rules
   * may find an act only at a later event than counsel's review of it), if it holds only that one.
   */
  private applyKeptReviews(s: Statements, v: RegisteredViolation): void {
    const { ruleId, streamId, act } = violationActOf(v);
    for (const { violationId, ...review } of s.unappliedOfAct.all(streamId, ruleId, act)) {
      const found = this.reviewed(s, violationId, { ruleId, streamId, act });
      if (found.length !== 1) continue;
      this.applyTo(s, found[0], review, violationId);
      s.deleteUnapplied.run(review.eventId);
    }
  }

  /** Applies counsel's review, recorded on violation-<`reviewedAs`>, to `violation`. */
  private applyTo(s: Statements, violation: RegisteredViolation, review: Review, reviewedAs: string): void {
    if (violation.statusHistory.some((h) => h.eventId === review.eventId)) return;
    const applied = applyReview(violation, review);
    s.upsert.run(...violationParams(applied));
    // Its stream is where an evidence pack finds the review the status history cites.
    if (reviewedAs !== applied.violationId) {
      s.insertReviewStream.run(applied.violationId, violationStreamId(reviewedAs));
    }
  }

  /**
   * The violation of the id, or every violation of the act (which may be none, or several); for a
   * review that names no act, the violation that had the id before ids left out hidden evidence.
   */
  private reviewed(s: Statements, violationId: string, act: ViolationAct | undefined): RegisteredViolation[] {
    const row = s.violation.get(violationId);
    if (row !== undefined) return [violationOf(row)];
    if (act === undefined) {
      const renamed = s.formerIdOf.get(violationId);
      const formerly = renamed === undefined ? undefined : s.violation.get(renamed);
      return formerly === undefined ? [] : [violationOf(formerly)];
    }
    return s.violationsOfRule
      .all(act.streamId, act.ruleId)
      .map(violationOf)
      .filter((v) => actOf(v) === act.act);
  }

  /** For /health: how many of counsel's reviews the register could not apply. */
  details(db: ReadModelDb): JsonObject {
    return { unappliedReviews: this.statementsFor(db).countUnapplied.get() ?? 0 };
  }

  private historyOf(s: Statements, streamId: string, state: StreamState): StoredEvent[] {
    let history = this.histories.get(streamId);
    // Events at a revision never change, so a cached history of the right length is the history.
    if (history?.length !== state.eventCount) {
      // A stream not written yet has only the events kept since.
      const stored = state.seq === null ? [] : s.chunks.all(state.seq);
      history = stored.flatMap((chunk) => JSON.parse(chunk) as StoredEvent[]);
      history.push(...(this.kept.get(streamId) ?? []));
    }
    this.histories.delete(streamId);
    this.histories.set(streamId, history);
    if (this.histories.size > HISTORY_CACHE_STREAMS) {
      this.histories.delete(this.histories.keys().next().value as string);
    }
    return history;
  }

  /** Loaded once, and again after an adoption or a rollback: only this projection writes the table. */
  private ordinanceOf(s: Statements): Ordinance {
    if (this.ordinance === undefined) {
      const adoptions = s.adoptions.all().map((a) => JSON.parse(a) as Recorded<OrdinanceVersionAdopted>);
      this.ordinance = { adoptions, versions: adoptions.map((a) => a.data) };
    }
    return this.ordinance;
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
