import { FEDERAL_AGENCIES, ORDINANCE_SECTIONS, REQUEST_TYPES } from '@trust-ledger/domain';
import {
  STATISTICS_FIELDS,
  suppressTogether,
  type PeriodParts,
  type ScopeStatistics,
  type StatisticsCounts,
  type StatisticsField,
  type StatisticsRow,
} from './statistics-row';

/**
 * One period's counts in each scope (the jurisdiction's, `''`, and each local agency's): its rows'
 * by `agency/type` and its sections'. A scope or row not listed counted nothing.
 */
export interface CountedPeriod {
  rows: ReadonlyMap<string, ReadonlyMap<string, StatisticsCounts>>;
  sections: ReadonlyMap<string, Record<string, number>>;
}

/** What suppressTogether decides over, as plain data a worker thread can be sent. */
export interface SuppressionTask {
  periods: readonly PeriodParts[];
  agencies: readonly string[];
  /** Every period of `periods`. */
  counted: ReadonlyMap<string, CountedPeriod>;
  threshold: number;
}

/**
 * A task's decision, compact enough to cross threads at once: every slice's published cells (slice
 * by slice in the order of `periods` and then of the scopes, `''` first; each slice's rows in
 * FEDERAL_AGENCIES × REQUEST_TYPES order, field by field, then its sections), NaN where withheld.
 * As objects, a year of 117 agencies is some 20,000 rows, which the event loop would pay to copy.
 */
export interface SuppressionDecision {
  sectionNames: string[];
  cells: Float64Array<ArrayBuffer>;
}

/** The worker's answer to the task of `id`. */
export type SuppressionAnswer =
  | { id: number; decision: SuppressionDecision }
  | { id: number; error: { message: string; stack: string | undefined } };

const ROWS = FEDERAL_AGENCIES.length * REQUEST_TYPES.length;

/** suppressTogether over a task's counts, every slice's outcome written down. */
export function decide({ periods, agencies, counted, threshold }: SuppressionTask): SuppressionDecision {
  const zero = Object.fromEntries(STATISTICS_FIELDS.map((f) => [f, 0])) as StatisticsCounts;
  const noSections = Object.fromEntries(ORDINANCE_SECTIONS.map((section) => [String(section), 0]));
  const decided = suppressTogether(
    periods,
    agencies,
    (period, scope, agency, type) => counted.get(period)!.rows.get(scope)?.get(`${agency}/${type}`) ?? zero,
    (period, scope) => counted.get(period)!.sections.get(scope) ?? noSections,
    threshold,
  );
  const scopes = ['', ...agencies];
  let sectionNames: string[] | undefined;
  let cells = new Float64Array(0);
  let at = 0;
  for (const { label } of periods) {
    for (const scope of scopes) {
      const { rows, sections } = decided(label, scope);
      if (sectionNames === undefined) {
        sectionNames = Object.keys(sections.values);
        cells = new Float64Array(
          periods.length * scopes.length * (ROWS * STATISTICS_FIELDS.length + sectionNames.length),
        );
      }
      // Rows are written by place: a decision that lists them otherwise must fail, not misplace them.
      if (
        rows.length !== ROWS ||
        rows.some(
          (row, r) =>
            row.requestingAgency !== FEDERAL_AGENCIES[Math.floor(r / REQUEST_TYPES.length)] ||
            row.requestType !== REQUEST_TYPES[r % REQUEST_TYPES.length],
        )
      ) {
        throw new Error(`the suppression of ${label} for agency ${scope} lists its rows out of order`);
      }
      for (const row of rows) for (const field of STATISTICS_FIELDS) cells[at++] = row[field] ?? NaN;
      for (const name of sectionNames) cells[at++] = sections.values[name] ?? NaN;
    }
  }
  return { sectionNames: sectionNames ?? [], cells };
}

/** A decision read back as suppressTogether answers: one scope's share of one period's statistics. */
export function decided(
  { periods, agencies }: Pick<SuppressionTask, 'periods' | 'agencies'>,
  { sectionNames, cells }: SuppressionDecision,
): (period: string, scope: string) => ScopeStatistics {
  const scopes = ['', ...agencies];
  const sliceOf = new Map(
    periods.flatMap(({ label }, p) =>
      scopes.map((scope, s): [string, number] => [`${label}\n${scope}`, p * scopes.length + s]),
    ),
  );
  const perSlice = ROWS * STATISTICS_FIELDS.length + sectionNames.length;
  const published = (cell: number): number | null => (Number.isNaN(cells[cell]) ? null : cells[cell]);
  return (period, scope) => {
    const x = sliceOf.get(`${period}\n${scope}`);
    if (x === undefined) throw new Error(`no statistics were suppressed for ${period} of agency ${scope}`);
    const rows = FEDERAL_AGENCIES.flatMap((agency, a) =>
      REQUEST_TYPES.map((type, t): StatisticsRow => {
        const first = x * perSlice + (a * REQUEST_TYPES.length + t) * STATISTICS_FIELDS.length;
        const row = {} as Record<StatisticsField, number | null>;
        STATISTICS_FIELDS.forEach((field, f) => (row[field] = published(first + f)));
        const suppressed = STATISTICS_FIELDS.filter((field) => row[field] === null);
        return { requestingAgency: agency, requestType: type, ...row, suppressed };
      }),
    );
    const sectionsAt = x * perSlice + ROWS * STATISTICS_FIELDS.length;
    const values = Object.fromEntries(sectionNames.map((name, k) => [name, published(sectionsAt + k)]));
    return { rows, sections: { values, suppressed: sectionNames.filter((name) => values[name] === null) } };
  };
}
