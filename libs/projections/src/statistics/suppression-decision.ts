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

/*
 * A year's cells cross between threads as one array of numbers, moved rather than copied: as
 * objects, 117 agencies' counts are some 20,000 rows, which the event loop would spend tens of
 * milliseconds copying each way. Cells are placed slice by slice (a slice is one period in one scope,
 * in the order of the periods and then of the scopes, the jurisdiction's `''` first); in each, its
 * rows in FEDERAL_AGENCIES × REQUEST_TYPES order, field by field, then its sections.
 */
const SECTIONS = ORDINANCE_SECTIONS.map(String);
const ROW_CELLS = FEDERAL_AGENCIES.length * REQUEST_TYPES.length * STATISTICS_FIELDS.length;
const SLICE_CELLS = ROW_CELLS + SECTIONS.length;
const rowAt = (x: number, a: number, t: number): number =>
  x * SLICE_CELLS + (a * REQUEST_TYPES.length + t) * STATISTICS_FIELDS.length;
const sectionsAt = (x: number): number => x * SLICE_CELLS + ROW_CELLS;

/** Each slice's place, by period and scope. */
function slicesOf(
  periods: readonly PeriodParts[],
  agencies: readonly string[],
): Map<string, Map<string, number>> {
  const scopes = ['', ...agencies];
  return new Map(
    periods.map(({ label }, p) => [label, new Map(scopes.map((scope, s) => [scope, p * scopes.length + s]))]),
  );
}

/** What suppressTogether decides over, as data a worker thread can be sent. */
export interface SuppressionTask {
  periods: readonly PeriodParts[];
  agencies: readonly string[];
  threshold: number;
  /** Every slice's counts, placed as above. */
  counts: Float64Array<ArrayBuffer>;
}

/** A task's decision: every slice's published cells, placed as above, NaN where withheld. */
export interface SuppressionDecision {
  cells: Float64Array<ArrayBuffer>;
}

/** The worker's answer to the task of `id`. */
export type SuppressionAnswer =
  | { id: number; decision: SuppressionDecision }
  | { id: number; error: { message: string; stack: string | undefined } };

/**
 * One period's counts in each scope (`''` the jurisdiction's, else a local agency's), as
 * StatisticsQueries keeps them: rows by `${agency}/${type}`, and sections. What is not listed
 * counted nothing.
 */
export interface CountedPeriod {
  rows: ReadonlyMap<string, ReadonlyMap<string, StatisticsCounts>>;
  sections: ReadonlyMap<string, Readonly<Record<string, number>>>;
}

/** Each row's place in a slice, by `${agency}/${type}`. */
const ROW_OF = new Map(
  FEDERAL_AGENCIES.flatMap((agency, a) =>
    REQUEST_TYPES.map((type, t): [string, number] => [`${agency}/${type}`, rowAt(0, a, t)]),
  ),
);

/**
 * The task of deciding over `counted` (every period of `periods`). Only the rows and sections
 * listed are read, not every cell: a year of 117 agencies has 200,000 cells, most of them zero.
 */
export function suppressionTask(
  periods: readonly PeriodParts[],
  agencies: readonly string[],
  threshold: number,
  counted: ReadonlyMap<string, CountedPeriod>,
): SuppressionTask {
  const counts = new Float64Array(periods.length * (agencies.length + 1) * SLICE_CELLS);
  for (const [label, scopes] of slicesOf(periods, agencies)) {
    const { rows, sections } = counted.get(label)!;
    for (const [scope, x] of scopes) {
      for (const [key, c] of rows.get(scope) ?? []) {
        const at = ROW_OF.get(key);
        if (at !== undefined)
          STATISTICS_FIELDS.forEach((field, f) => (counts[x * SLICE_CELLS + at + f] = c[field]));
      }
      const n = sections.get(scope);
      if (n !== undefined) SECTIONS.forEach((name, k) => (counts[sectionsAt(x) + k] = n[name]));
    }
  }
  return { periods, agencies, threshold, counts };
}

/** suppressTogether over a task's counts, every slice's outcome written down. */
export function decide({ periods, agencies, threshold, counts }: SuppressionTask): SuppressionDecision {
  const slices = slicesOf(periods, agencies);
  if (counts.length !== periods.length * (agencies.length + 1) * SLICE_CELLS)
    throw new Error(
      `the counts sent are not those of ${periods.length} periods of ${agencies.length} agencies`,
    );
  const decided = suppressTogether(
    periods,
    agencies,
    (period, scope, agency, type) => {
      const at = rowAt(
        slices.get(period)!.get(scope)!,
        FEDERAL_AGENCIES.indexOf(agency),
        REQUEST_TYPES.indexOf(type),
      );
      return Object.fromEntries(
        STATISTICS_FIELDS.map((field, f) => [field, counts[at + f]]),
      ) as StatisticsCounts;
    },
    (period, scope) => {
      const at = sectionsAt(slices.get(period)!.get(scope)!);
      return Object.fromEntries(SECTIONS.map((name, k) => [name, counts[at + k]]));
    },
    threshold,
  );
  const cells = new Float64Array(counts.length);
  for (const [period, scopes] of slices) {
    for (const [scope, x] of scopes) {
      const { rows, sections } = decided(period, scope);
      // Rows are written by place: a decision that lists them otherwise must fail, not misplace them.
      if (
        rows.length !== FEDERAL_AGENCIES.length * REQUEST_TYPES.length ||
        rows.some(
          (row, r) =>
            row.requestingAgency !== FEDERAL_AGENCIES[Math.floor(r / REQUEST_TYPES.length)] ||
            row.requestType !== REQUEST_TYPES[r % REQUEST_TYPES.length],
        )
      ) {
        throw new Error(`the suppression of ${period} for agency ${scope} lists its rows out of order`);
      }
      rows.forEach((row, r) =>
        STATISTICS_FIELDS.forEach((field, f) => (cells[rowAt(x, 0, r) + f] = row[field] ?? NaN)),
      );
      SECTIONS.forEach((name, k) => (cells[sectionsAt(x) + k] = sections.values[name] ?? NaN));
    }
  }
  return { cells };
}

/** A decision read back as suppressTogether answers: one scope's share of one period's statistics. */
export function decided(
  { periods, agencies }: Pick<SuppressionTask, 'periods' | 'agencies'>,
  { cells }: SuppressionDecision,
): (period: string, scope: string) => ScopeStatistics {
  const slices = slicesOf(periods, agencies);
  const published = (cell: number): number | null => (Number.isNaN(cells[cell]) ? null : cells[cell]);
  return (period, scope) => {
    const x = slices.get(period)?.get(scope);
    if (x === undefined) throw new Error(`no statistics were suppressed for ${period} of agency ${scope}`);
    const rows = FEDERAL_AGENCIES.flatMap((agency, a) =>
      REQUEST_TYPES.map((type, t): StatisticsRow => {
        const row = {} as Record<StatisticsField, number | null>;
        STATISTICS_FIELDS.forEach((field, f) => (row[field] = published(rowAt(x, a, t) + f)));
        const suppressed = STATISTICS_FIELDS.filter((field) => row[field] === null);
        return { requestingAgency: agency, requestType: type, ...row, suppressed };
      }),
    );
    const values = Object.fromEntries(SECTIONS.map((name, k) => [name, published(sectionsAt(x) + k)]));
    return { rows, sections: { values, suppressed: SECTIONS.filter((name) => values[name] === null) } };
  };
}
