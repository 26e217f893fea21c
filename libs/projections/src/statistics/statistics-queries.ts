import {
  defaultOrdinanceVersion,
  FEDERAL_AGENCIES,
  ORDINANCE_SECTIONS,
  periodBounds,
  periodOf,
  REQUEST_TYPES,
  versionInForceAt,
  type OrdinanceVersion,
  type Period,
} from '@trust-ledger/domain';
import type { ReadModelDb } from '../runner/projection';
import { ViolationQueries } from '../violations/violation-queries';
import {
  STATISTICS_FIELDS,
  suppressRow,
  suppressSections,
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
const REQUEST_COUNTS = `SELECT requesting_agency, request_type, count(*) AS received,
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
const TRANSFER_COUNTS = `SELECT to_agency AS requesting_agency, coalesce(
      (SELECT r.request_type FROM st_requests r WHERE r.case_seq = t.case_seq AND r.request_id = t.request_id),
      (SELECT r.request_type FROM st_requests r WHERE r.case_seq = t.case_seq AND r.requesting_agency = t.to_agency
         AND r.received_ms <= t.at_ms ORDER BY r.received_ms DESC LIMIT 1),
      'TRANSFER') AS request_type, count(*) AS n
  FROM st_transfers t WHERE at_ms >= @from AND at_ms < @to`;

/**
 * The public statistics of a period (§ 11), counted from the statistics projection and the
 * violation register and suppressed for small cells. Acts are placed in periods by when they
 * happened, in the time zone of the ordinance version in force at `now`.
 */
export class StatisticsQueries {
  private readonly requests;
  private readonly requestsOfAgency;
  private readonly transfers;
  private readonly transfersOfAgency;
  private readonly versions;
  private readonly violations: ViolationQueries;

  constructor(db: ReadModelDb) {
    type Bounds = { from: number; to: number; now: number };
    this.requests = db.prepare<[Bounds], CountRow>(`${REQUEST_COUNTS} GROUP BY 1, 2`);
    this.requestsOfAgency = db.prepare<[Bounds & { agency: string }], CountRow>(
      `${REQUEST_COUNTS} AND agency_id = @agency GROUP BY 1, 2`,
    );
    type TransferRow = { requesting_agency: string; request_type: string; n: number };
    this.transfers = db.prepare<[{ from: number; to: number }], TransferRow>(
      `${TRANSFER_COUNTS} GROUP BY 1, 2`,
    );
    this.transfersOfAgency = db.prepare<[{ from: number; to: number; agency: string }], TransferRow>(
      `${TRANSFER_COUNTS} AND agency_id = @agency GROUP BY 1, 2`,
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
    const nowMs = Date.parse(now);

    const counts = new Map<string, StatisticsCounts>();
    const cell = (agency: string, type: string): StatisticsCounts => {
      const key = `${agency}/${type}`;
      let c = counts.get(key);
      if (c === undefined) {
        c = Object.fromEntries(STATISTICS_FIELDS.map((f) => [f, 0])) as StatisticsCounts;
        counts.set(key, c);
      }
      return c;
    };
    const requestRows =
      agencyId === null
        ? this.requests.all({ ...bounds, now: nowMs })
        : this.requestsOfAgency.all({ ...bounds, now: nowMs, agency: agencyId });
    for (const { requesting_agency, request_type, ...n } of requestRows) {
      Object.assign(cell(requesting_agency, request_type), n);
    }
    const transferRows =
      agencyId === null
        ? this.transfers.all(bounds)
        : this.transfersOfAgency.all({ ...bounds, agency: agencyId });
    for (const t of transferRows) cell(t.requesting_agency, t.request_type).transfersToFederalCustody = t.n;

    const threshold = version.smallCellThreshold;
    const rows = FEDERAL_AGENCIES.flatMap((agency) =>
      REQUEST_TYPES.map((type) => suppressRow(agency, type, cell(agency, type), threshold)),
    );
    const bySection = this.violations.countBySection(bounds.from, bounds.to, agencyId);
    const sections = suppressSections(
      Object.fromEntries(ORDINANCE_SECTIONS.map((s) => [String(s), bySection.get(s) ?? 0])),
      threshold,
    );
    return {
      period: period.label,
      generatedAt: now,
      threshold,
      rows,
      violationsBySection: { ...sections.values, suppressed: sections.suppressed },
    };
  }
}
