import {
  defaultOrdinanceVersion,
  ORDINANCE_SECTIONS,
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
  suppressAcrossAgencies,
  type ScopeStatistics,
  type StatisticsCounts,
  type StatisticsRow,
} from './statistics-row';

/** Per-section counts of violations; `suppressed` names the sections whose count is withheld. */
export type SectionCounts = { [section: string]: number | null | string[]; suppressed: string[] };

/** API.md's `GET /public/statistics` body. */
export interface PublicStatistics {
  period: string;
  generatedAt: string;
  threshold: number;
  rows: StatisticsRow[];
  violationsBySection: SectionCounts;
}

interface CountRow {
  agency_id: string | null;
  requesting_agency: string;
  request_type: string;
  received: number;
  honored: number;
  declined: number;
  partiallyHonored: number;
  pending: number;
  honoredWithJudicialWarrant: number;
  honoredUnderException: number;
  noticesOnTime: number;
  noticesLate: number;
}

const HONORED = "outcome IN ('HONORED', 'PARTIALLY_HONORED')";
// A deadline has passed once `now` reaches it; a notice delivered by then was in time (as S5 reckons).
const DUE = 'notice_deadline_ms IS NOT NULL AND notice_deadline_ms <= @now';
const REQUEST_COUNTS = `SELECT agency_id, requesting_agency, request_type, count(*) AS received,
    coalesce(sum(outcome = 'HONORED'), 0) AS honored,
    coalesce(sum(outcome = 'DECLINED'), 0) AS declined,
    coalesce(sum(outcome = 'PARTIALLY_HONORED'), 0) AS partiallyHonored,
    coalesce(sum(outcome IS NULL), 0) AS pending,
    coalesce(sum(${HONORED} AND basis = 'JUDICIAL_WARRANT'), 0) AS honoredWithJudicialWarrant,
    coalesce(sum(${HONORED} AND basis = 'ORDINANCE_EXCEPTION'), 0) AS honoredUnderException,
    coalesce(sum(${DUE} AND first_notice_ms <= notice_deadline_ms), 0) AS noticesOnTime,
    coalesce(sum(${DUE} AND (first_notice_ms IS NULL OR first_notice_ms > notice_deadline_ms)), 0) AS noticesLate
  FROM st_requests WHERE received_ms >= @from AND received_ms < @to`;

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

/**
 * The public statistics of a period (§ 11), counted from the statistics projection and the
 * violation register and suppressed for small cells. Acts are placed in periods by when they
 * happened, in the time zone of the ordinance version in force at `now`.
 *
 * Every query of a period suppresses the jurisdiction-wide counts and every local agency's together
 * (see suppressAcrossAgencies), so that one agency's withheld cell is not the difference between
 * the jurisdiction's published count and the other agencies' published counts.
 */
export class StatisticsQueries {
  private readonly requests;
  private readonly transfers;
  private readonly versions;
  private readonly violations: ViolationQueries;
  /** Suppressions by the counts they were decided on, latest last: deciding over many agencies is
   * costly (about 0.2 s over 117), and most queries ask again of counts already seen. */
  private readonly suppressed = new Map<string, (scope: string) => ScopeStatistics>();

  constructor(db: ReadModelDb) {
    type Bounds = { from: number; to: number; now: number };
    this.requests = db.prepare<[Bounds], CountRow>(`${REQUEST_COUNTS} GROUP BY 1, 2, 3`);
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

  forPeriod(period: Period, now: string, agencyId: string | null): PublicStatistics {
    const version = this.versionAt(now);
    const { start, end } = periodBounds(period, version.timeZone);
    const bounds = { from: Date.parse(start), to: Date.parse(end) };

    // Every scope's counts: the jurisdiction's (ALL) and each local agency's.
    const counts = new Map<string, Map<string, StatisticsCounts>>();
    const cell = (scope: string, agency: string, type: string): StatisticsCounts => {
      let rows = counts.get(scope);
      if (rows === undefined) counts.set(scope, (rows = new Map<string, StatisticsCounts>()));
      const key = `${agency}/${type}`;
      let c = rows.get(key);
      if (c === undefined) {
        c = Object.fromEntries(STATISTICS_FIELDS.map((f) => [f, 0])) as StatisticsCounts;
        rows.set(key, c);
      }
      return c;
    };
    const scopesOf = (agency: string | null): string[] => (agency === null ? [ALL] : [ALL, agency]);
    for (const { agency_id, requesting_agency, request_type, ...n } of this.requests.all({
      ...bounds,
      now: Date.parse(now),
    })) {
      for (const scope of scopesOf(agency_id)) {
        const c = cell(scope, requesting_agency, request_type);
        for (const f of STATISTICS_FIELDS) if (f !== 'transfersToFederalCustody') c[f] += n[f];
      }
    }
    for (const t of this.transfers.all(bounds)) {
      for (const scope of scopesOf(t.agency_id)) {
        cell(scope, t.requesting_agency, t.request_type).transfersToFederalCustody += t.n;
      }
    }
    const sections = new Map<string, Record<string, number>>();
    const sectionsOf = (scope: string): Record<string, number> => {
      let s = sections.get(scope);
      if (s === undefined) {
        s = Object.fromEntries(ORDINANCE_SECTIONS.map((section) => [String(section), 0]));
        sections.set(scope, s);
      }
      return s;
    };
    for (const { agency, section, n } of this.violations.countBySectionAndAgency(bounds.from, bounds.to)) {
      for (const scope of scopesOf(agency)) sectionsOf(scope)[String(section)] += n;
    }

    const scope = agencyId ?? ALL;
    const agencies = [...new Set([...counts.keys(), ...sections.keys(), scope])]
      .filter((a) => a !== ALL)
      .sort();
    const { rows, sections: withheld } = this.suppression(
      agencies,
      counts,
      sections,
      version.smallCellThreshold,
    )(scope);
    return {
      period: period.label,
      generatedAt: now,
      threshold: version.smallCellThreshold,
      rows,
      violationsBySection: { ...withheld.values, suppressed: withheld.suppressed },
    };
  }

  /** suppressAcrossAgencies, remembered for the last SUPPRESSIONS_KEPT distinct counts. */
  private suppression(
    agencies: string[],
    counts: Map<string, Map<string, StatisticsCounts>>,
    sections: Map<string, Record<string, number>>,
    threshold: number,
  ): (scope: string) => ScopeStatistics {
    const key = JSON.stringify([
      threshold,
      agencies,
      [...counts].map(([scope, rows]) => [scope, [...rows]]),
      [...sections],
    ]);
    let decided = this.suppressed.get(key);
    if (decided === undefined) {
      const zero = Object.fromEntries(STATISTICS_FIELDS.map((f) => [f, 0])) as StatisticsCounts;
      const noSections = Object.fromEntries(ORDINANCE_SECTIONS.map((section) => [String(section), 0]));
      decided = suppressAcrossAgencies(
        agencies,
        (scope, agency, type) => counts.get(scope)?.get(`${agency}/${type}`) ?? zero,
        (scope) => sections.get(scope) ?? noSections,
        threshold,
      );
      if (this.suppressed.size >= SUPPRESSIONS_KEPT)
        this.suppressed.delete(this.suppressed.keys().next().value!);
    } else this.suppressed.delete(key);
    this.suppressed.set(key, decided);
    return decided;
  }
}
