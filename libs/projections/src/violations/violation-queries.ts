import { RULE_SECTIONS, violationStreamId, type RuleId } from '@trust-ledger/domain';
import type { Statement } from 'better-sqlite3';
import type { ReadModelDb } from '../runner/projection';
import { hasTable } from '../runner/read-model-db';
import type { RegisteredViolation, ViolationStatus } from './violation-judgement';
import { violationOf, type ViolationRow } from './violation-rows';

/** A review the register holds no violation for, by id or by the act it names (null: it names none). */
export interface UnappliedReview {
  eventId: string;
  violationId: string;
  ruleId: string | null;
  streamId: string | null;
  act: string | null;
  reviewedAt: string;
}

export interface ViolationFilter {
  section?: number;
  ruleId?: RuleId;
  status?: ViolationStatus;
  streamId?: string;
  agencyId?: string;
}

export interface ViolationPage {
  items: RegisteredViolation[];
  /** The `seq` of the page's last item when more follow, else null. */
  next: number | null;
}

/** In the order the list's indexes name them (violations_agency_status_rule, …). */
const FILTER_COLUMNS: ReadonlyArray<[keyof ViolationFilter, string, string]> = [
  ['streamId', 'stream_id', 'stream'],
  ['agencyId', 'agency_id', 'agency'],
  ['status', 'status', 'status'],
  ['ruleId', 'rule_id', 'rule'],
  ['section', 'section', 'section'],
];

/**
 * The index a list walks: a stream's few violations, or the one whose columns are exactly the
 * filtered ones, followed by the list's order. Named, not left to SQLite, which without statistics
 * walks one filter's index and checks the others row by row: a rare combination then read every
 * violation of the common one.
 */
function indexFor(used: ReadonlyArray<readonly [keyof ViolationFilter, string, string]>): string | null {
  if (used.length === 0) return null;
  if (used[0][0] === 'streamId') return 'violations_stream';
  return `violations_${used.map(([, , name]) => name).join('_')}`;
}

/**
 * Reads of the violation register. Every list is ordered by first detection and paged by it, each
 * combination of filters served by an index that leads with the filtered columns and ends with that
 * order, so a page costs the same however long the register grows.
 */
export class ViolationQueries {
  private readonly lists = new Map<string, Statement<unknown[], ViolationRow>>();
  private readonly one;
  private readonly ofStreamStmt;
  private readonly reviewStreams;
  private readonly unapplied;
  private readonly sections;
  private byFormerIdStmt: Statement<[string], ViolationRow> | undefined;

  constructor(private readonly db: ReadModelDb) {
    this.one = db.prepare<[string], ViolationRow>('SELECT * FROM violations WHERE violation_id = ?');
    this.ofStreamStmt = db.prepare<[string], ViolationRow>(
      'SELECT * FROM violations WHERE stream_id = ? ORDER BY seq',
    );
    this.reviewStreams = db
      .prepare<[string], string>(
        'SELECT stream_id FROM vr_review_streams WHERE violation_id = ? ORDER BY stream_id',
      )
      .pluck();
    this.unapplied = db.prepare<[], UnappliedReview>(
      `SELECT event_id AS eventId, violation_id AS violationId, rule_id AS ruleId, stream_id AS streamId,
         act, reviewed_at AS reviewedAt FROM vr_unapplied_reviews ORDER BY reviewed_at, event_id`,
    );
    this.sections = db.prepare<[number, number], { agency: string | null; section: number; n: number }>(
      `SELECT agency_id AS agency, section, count(*) AS n FROM violations INDEXED BY violations_occurred
       WHERE occurred_ms >= ? AND occurred_ms < ? AND status <> 'WITHDRAWN' GROUP BY agency_id, section`,
    );
  }

  list(filter: ViolationFilter, after: number | null, limit: number): ViolationPage {
    if (filter.ruleId !== undefined && filter.section !== undefined) {
      // A rule is of one section: the section adds nothing, or excludes everything.
      if (RULE_SECTIONS[filter.ruleId] !== filter.section) return { items: [], next: null };
      filter = { ...filter, section: undefined };
    }
    const used = FILTER_COLUMNS.filter(([key]) => filter[key] !== undefined);
    const key = used.map(([k]) => k).join(',');
    let stmt = this.lists.get(key);
    if (stmt === undefined) {
      const index = indexFor(used);
      const where = ['seq > ?', ...used.map(([, column]) => `${column} = ?`)].join(' AND ');
      stmt = this.db.prepare<unknown[], ViolationRow>(
        `SELECT * FROM violations ${index === null ? '' : `INDEXED BY ${index} `}WHERE ${where} ORDER BY seq LIMIT ?`,
      );
      this.lists.set(key, stmt);
    }
    const rows = stmt.all(after ?? 0, ...used.map(([k]) => filter[k]), limit + 1);
    const page = rows.slice(0, limit);
    return { items: page.map(violationOf), next: rows.length > limit ? page[page.length - 1].seq : null };
  }

  /**
   * The violation of this id, or of the id it had before ids left out the evidence oversight is not
   * shown (register v22): an id a client saved then still finds it, under its current `violationId`.
   */
  get(violationId: string): RegisteredViolation | undefined {
    const row = this.one.get(violationId) ?? this.byFormerId()?.get(violationId);
    return row === undefined ? undefined : violationOf(row);
  }

  /** Prepared once the register has created vr_former_ids (v22): a register before it renamed none. */
  private byFormerId(): Statement<[string], ViolationRow> | undefined {
    if (this.byFormerIdStmt === undefined && hasTable(this.db, 'vr_former_ids')) {
      this.byFormerIdStmt = this.db.prepare<[string], ViolationRow>(
        `SELECT v.* FROM vr_former_ids f JOIN violations v ON v.violation_id = f.violation_id
         WHERE f.former_id = ?`,
      );
    }
    return this.byFormerIdStmt;
  }

  /** The case view's `violations`: every violation of one stream, in order of detection. */
  ofStream(streamId: string): RegisteredViolation[] {
    return this.ofStreamStmt.all(streamId).map(violationOf);
  }

  /** Where counsel's reviews of a violation are recorded: violation-<id>, and the streams of reviews
   * that named it by another id and were applied to it by the act they name. */
  reviewStreamsOf(violationId: string): string[] {
    return [violationStreamId(violationId), ...this.reviewStreams.all(violationId)];
  }

  /** Counsel's reviews the register could not apply, for operators (`projections status`). */
  unappliedReviews(): UnappliedReview[] {
    return this.unapplied.all();
  }

  /** Violations not WITHDRAWN whose act happened in [fromMs, toMs), by agency (null: § 11) and section. */
  countBySectionAndAgency(
    fromMs: number,
    toMs: number,
  ): { agency: string | null; section: number; n: number }[] {
    return this.sections.all(fromMs, toMs);
  }
}
