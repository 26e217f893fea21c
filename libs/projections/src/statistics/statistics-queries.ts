import {
  defaultOrdinanceVersion,
  FEDERAL_AGENCIES,
  ORDINANCE_SECTIONS,
  REQUEST_TYPES,
  parsePeriod,
  periodBounds,
  periodOf,
  versionInForceAt,
  type OrdinanceVersion,
  type Period,
} from '@trust-ledger/domain';
import type { ReadModelDb } from '../runner/projection';
import { ViolationQueries } from '../violations/violation-queries';
import {
  STATISTICS_FIELDS,
  periodsOfYear,
  type PeriodParts,
  type ScopeStatistics,
  type StatisticsCounts,
  type StatisticsField,
  type StatisticsRow,
} from './statistics-row';
import { suppressionTask } from './suppression-decision';
import type { SuppressionThread } from './suppression-thread';

/** Per-section counts of violations; `suppressed` names the sections whose count is withheld. */
type SectionCounts = { [section: string]: number | null | string[]; suppressed: string[] };

/** API.md's `GET /public/statistics` body. */
export interface PublicStatistics {
  period: string;
  generatedAt: string;
  threshold: number;
  rows: StatisticsRow[];
  violationsBySection: SectionCounts;
}

/** Requests of one kind: a row's agencies and type, and what the request's kind code says. */
interface KindRow {
  agency_id: string | null;
  requesting_agency: string;
  request_type: string;
  kind: number;
  n: number;
}

/*
 * Requests counted by kind, a small number the row's fields are read from: the outcome (bits 0-2:
 * pending, honored, declined, partially honored, anything else), the basis (bits 3-4: judicial
 * warrant, ordinance exception, other) and the notice (bits 5-6: not due yet or not owed, on time,
 * late). SQLite groups narrow rows much faster than it sums ten expressions per group: 16 against
 * 31 ms a year at the bench's 11.7k requests. A deadline has passed once `now` reaches it; a notice
 * delivered by then was in time (as S5 reckons).
 */
const REQUEST_KINDS = `SELECT agency_id, requesting_agency, request_type,
    CASE WHEN outcome IS NULL THEN 0 WHEN outcome = 'HONORED' THEN 1 WHEN outcome = 'DECLINED' THEN 2
      WHEN outcome = 'PARTIALLY_HONORED' THEN 3 ELSE 4 END
    + 8 * CASE basis WHEN 'JUDICIAL_WARRANT' THEN 1 WHEN 'ORDINANCE_EXCEPTION' THEN 2 ELSE 0 END
    + 32 * CASE WHEN notice_deadline_ms IS NOT NULL AND notice_deadline_ms <= @now
      THEN CASE WHEN first_notice_ms <= notice_deadline_ms THEN 1 ELSE 2 END ELSE 0 END AS kind,
    count(*) AS n
  FROM st_requests WHERE received_ms >= @from AND received_ms < @to GROUP BY 1, 2, 3, 4`;
const OUTCOME_FIELDS: readonly (StatisticsField | null)[] = [
  'pending',
  'honored',
  'declined',
  'partiallyHonored',
  null,
];

/** Adds `n` requests of `kind` (see REQUEST_KINDS) to a row's counts. */
function addKind(c: StatisticsCounts, kind: number, n: number): void {
  const outcome = kind & 7;
  const basis = (kind >> 3) & 3;
  const notice = kind >> 5;
  c.received += n;
  const field = OUTCOME_FIELDS[outcome];
  if (field !== null) c[field] += n;
  // Only an honored request (wholly or partly) counts by its basis.
  if (field === 'honored' || field === 'partiallyHonored') {
    if (basis === 1) c.honoredWithJudicialWarrant += n;
    if (basis === 2) c.honoredUnderException += n;
  }
  if (notice === 1) c.noticesOnTime += n;
  if (notice === 2) c.noticesLate += n;
}

/*
 * A transfer counts in the row of the request it answers: the one it names, else that agency's
 * latest request on the case received by then, else (no request recorded at all) the TRANSFER row.
 */
const TRANSFER_COUNTS = `SELECT agency_id, to_agency AS requesting_agency, coalesce(
      (SELECT r.request_type FROM st_requests r WHERE r.case_seq = t.case_seq AND r.request_id = t.request_id),
      (SELECT r.request_type FROM st_requests r WHERE r.case_seq = t.case_seq AND r.requesting_agency = t.to_agency
         AND r.received_ms <= t.at_ms ORDER BY r.received_ms DESC LIMIT 1),
      'TRANSFER') AS request_type, count(*) AS n
  FROM st_transfers t WHERE at_ms >= @from AND at_ms < @to`;

/** The jurisdiction-wide scope of a period's counts, beside each local agency's. */
const ALL = '';
const SUPPRESSIONS_KEPT = 32;

/** One period's counts, in every scope. */
class PeriodCounts {
  readonly rows = new Map<string, Map<string, StatisticsCounts>>();
  readonly sections = new Map<string, Record<string, number>>();

  cell(scope: string, agency: string, type: string): StatisticsCounts {
    let rows = this.rows.get(scope);
    if (rows === undefined) this.rows.set(scope, (rows = new Map<string, StatisticsCounts>()));
    const key = `${agency}/${type}`;
    let c = rows.get(key);
    if (c === undefined) {
      c = Object.fromEntries(STATISTICS_FIELDS.map((f) => [f, 0])) as StatisticsCounts;
      rows.set(key, c);
    }
    return c;
  }

  sectionsOf(scope: string): Record<string, number> {
    let s = this.sections.get(scope);
    if (s === undefined) {
      s = Object.fromEntries(ORDINANCE_SECTIONS.map((section) => [String(section), 0]));
      this.sections.set(scope, s);
    }
    return s;
  }

  /** Adds another period's counts: acts are counted by when they happened, so periods add up. */
  add(other: PeriodCounts): this {
    for (const [scope, rows] of other.rows) {
      for (const [key, c] of rows) {
        const [agency, type] = key.split('/');
        const mine = this.cell(scope, agency, type);
        for (const f of STATISTICS_FIELDS) mine[f] += c[f];
      }
    }
    for (const [scope, counts] of other.sections) {
      const mine = this.sectionsOf(scope);
      for (const [section, n] of Object.entries(counts)) mine[section] += n;
    }
    return this;
  }
}

/** The statistics of a scope that recorded nothing: every count 0, none withheld. */
function nothingRecorded(): ScopeStatistics {
  const counts = Object.fromEntries(STATISTICS_FIELDS.map((f) => [f, 0])) as StatisticsCounts;
  return {
    rows: FEDERAL_AGENCIES.flatMap((requestingAgency) =>
      REQUEST_TYPES.map((requestType): StatisticsRow => ({
        requestingAgency,
        requestType,
        ...counts,
        suppressed: [],
      })),
    ),
    sections: {
      values: Object.fromEntries(ORDINANCE_SECTIONS.map((section) => [String(section), 0])),
      suppressed: [],
    },
  };
}

/**
 * The public statistics of a period (§ 11), counted from the statistics projection and the
 * violation register and suppressed for small cells. Acts are placed in periods by when they
 * happened, in the time zone of the ordinance version in force at `now`.
 *
 * Every query of a period decides what to withhold over its whole year (the year, its quarters
 * and its months) and, in each, over the jurisdiction-wide counts and every local agency's (see
 * suppressTogether): so that a withheld cell is neither the difference between the jurisdiction's
 * published count and the other agencies', nor between a year's and its other quarters'. That
 * decision is made on `suppression`'s worker thread, so the event loop serves others meanwhile.
 */
export class StatisticsQueries {
  private readonly requests;
  private readonly transfers;
  private readonly versions;
  private readonly violations: ViolationQueries;
  /** Suppressions by the counts they were decided on, latest last: deciding over a year and many
   * agencies is costly, and most queries ask again of counts already seen (or being decided). */
  private readonly suppressed = new Map<
    string,
    Promise<(period: string, scope: string) => ScopeStatistics>
  >();
  /** The decision under way for each year, which a query of that year waits for before counting. */
  private readonly underWay = new Map<number, Promise<unknown>>();

  constructor(
    db: ReadModelDb,
    private readonly suppression: SuppressionThread,
  ) {
    type Bounds = { from: number; to: number; now: number };
    this.requests = db.prepare<[Bounds], KindRow>(REQUEST_KINDS);
    type TransferRow = {
      agency_id: string | null;
      requesting_agency: string;
      request_type: string;
      n: number;
    };
    this.transfers = db.prepare<[{ from: number; to: number }], TransferRow>(
      `${TRANSFER_COUNTS} GROUP BY 1, 2, 3`,
    );
    this.versions = db.prepare<[], string>('SELECT version FROM st_ordinance ORDER BY revision').pluck();
    this.violations = new ViolationQueries(db);
  }

  /** The ordinance version in force at `now`; API.md's default before any is recorded. */
  versionAt(now: string): OrdinanceVersion {
    const history = this.versions.all().map((v) => JSON.parse(v) as OrdinanceVersion);
    return versionInForceAt(history, now) ?? defaultOrdinanceVersion();
  }

  /** The quarter in progress at `now`, which the statistics stream follows. */
  currentQuarter(now: string): Period {
    return periodOf(now, 'QUARTER', this.versionAt(now).timeZone);
  }

  /**
   * Counts (the read model as of then) once the year's decision under way, if any, is made, then
   * waits for its own: the worker decides one year at a time, seconds each, so queries that each
   * counted at once, with a write between them, would queue a decision apiece faster than it
   * makes them; counted together after it, they share one.
   */
  async forPeriod(period: Period, now: string, agencyId: string | null): Promise<PublicStatistics> {
    const underWay = this.underWay.get(period.year);
    if (underWay !== undefined) await underWay.catch(() => undefined);
    const version = this.versionAt(now);
    const periods = periodsOfYear(period.year);
    // Each month is counted; the quarters and the year are their sums.
    const counted = new Map<string, PeriodCounts>();
    for (const { label, parts } of [...periods].reverse()) {
      counted.set(
        label,
        parts.length === 0
          ? this.count(parsePeriod(label)!, version.timeZone, now)
          : parts.reduce((sum, part) => sum.add(counted.get(part)!), new PeriodCounts()),
      );
    }

    const scope = agencyId ?? ALL;
    const agencies = [
      ...new Set([...counted.values()].flatMap((c) => [...c.rows.keys(), ...c.sections.keys()])),
    ]
      .filter((a) => a !== ALL)
      .sort();
    // Any name is an agency id: one that recorded nothing in the year has nothing to withhold, and
    // deciding with it as an agency of zeros could withhold its zeros as complements, at the cost
    // of a new decision over the year for every name asked.
    const { rows, sections: withheld } =
      scope !== ALL && !agencies.includes(scope)
        ? nothingRecorded()
        : (await this.suppressionOf(period.year, periods, agencies, counted, version.smallCellThreshold))(
            period.label,
            scope,
          );
    return {
      period: period.label,
      generatedAt: now,
      threshold: version.smallCellThreshold,
      rows,
      violationsBySection: { ...withheld.values, suppressed: withheld.suppressed },
    };
  }

  /** A period's counts in every scope: the jurisdiction's (ALL) and each local agency's. */
  private count(period: Period, timeZone: string, now: string): PeriodCounts {
    const { start, end } = periodBounds(period, timeZone);
    const bounds = { from: Date.parse(start), to: Date.parse(end) };
    const counts = new PeriodCounts();
    const scopesOf = (agency: string | null): string[] => (agency === null ? [ALL] : [ALL, agency]);
    for (const { agency_id, requesting_agency, request_type, kind, n } of this.requests.all({
      ...bounds,
      now: Date.parse(now),
    })) {
      for (const scope of scopesOf(agency_id))
        addKind(counts.cell(scope, requesting_agency, request_type), kind, n);
    }
    for (const t of this.transfers.all(bounds)) {
      for (const scope of scopesOf(t.agency_id)) {
        counts.cell(scope, t.requesting_agency, t.request_type).transfersToFederalCustody += t.n;
      }
    }
    for (const { agency, section, n } of this.violations.countBySectionAndAgency(bounds.from, bounds.to)) {
      for (const scope of scopesOf(agency)) counts.sectionsOf(scope)[String(section)] += n;
    }
    return counts;
  }

  /** suppressTogether, remembered for the last SUPPRESSIONS_KEPT distinct counts (queries of counts
   * being decided wait for the same decision); one that failed is forgotten, so the next decides again. */
  private suppressionOf(
    year: number,
    periods: PeriodParts[],
    agencies: string[],
    counted: Map<string, PeriodCounts>,
    threshold: number,
  ): Promise<(period: string, scope: string) => ScopeStatistics> {
    // The months' counts determine the rest (their sums), so they alone key the decision.
    const months = periods.filter((p) => p.parts.length === 0).map((p) => p.label);
    const key = JSON.stringify([
      threshold,
      agencies,
      months.map((label) => {
        const c = counted.get(label)!;
        return [label, [...c.rows].map(([scope, rows]) => [scope, [...rows]]), [...c.sections]];
      }),
    ]);
    let decided = this.suppressed.get(key);
    if (decided === undefined) {
      const deciding = this.suppression.decide(suppressionTask(periods, agencies, threshold, counted));
      deciding.catch(() => {
        if (this.suppressed.get(key) === deciding) this.suppressed.delete(key);
      });
      this.underWay.set(year, deciding);
      const done = (): void => {
        if (this.underWay.get(year) === deciding) this.underWay.delete(year);
      };
      deciding.then(done, done);
      decided = deciding;
      if (this.suppressed.size >= SUPPRESSIONS_KEPT)
        this.suppressed.delete(this.suppressed.keys().next().value!);
    } else this.suppressed.delete(key);
    this.suppressed.set(key, decided);
    return decided;
  }
}
