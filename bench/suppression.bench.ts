/**
 * Suppression bench: what deciding a year's small-cell suppression costs (the year, its quarters
 * and months, in the jurisdiction's scope and each local agency's), as a statistics query pays it
 * whenever the year's counts have changed. Counts are synthetic and seeded:
 * - `mixed`: a few agencies with hundreds of requests a month and many with a handful, as in a
 *   county-wide or statewide detainer log (the full PA log has 117 facilities);
 * - `small`: every agency with a handful of every request type a month, so most cells are small
 *   and few are zero: the worst case.
 */
import { FEDERAL_AGENCIES, REQUEST_TYPES, type FederalAgency, type RequestType } from '../libs/domain/src';
import {
  NOTICE_REQUEST_TYPES,
  periodsOfYear,
  STATISTICS_FIELDS,
  suppressTogether,
  type StatisticsCounts,
} from '../libs/projections/src/statistics/statistics-row';

const CASES: ReadonlyArray<[kind: 'mixed' | 'small', agencies: number]> = [
  ['mixed', 5],
  ['mixed', 117],
  ['small', 5],
  ['small', 20],
  ['small', 40],
];
const THRESHOLD = 5;
/** The ordinance sections whose violations the synthetic years count. */
const SECTIONS = ['2', '3', '5'];
/** Timed decisions per case; the median is reported. */
const RUNS = 3;

function rng(seed: number): (n: number) => number {
  let state = seed;
  return (n) => (state = (state * 1103515245 + 12345) % 2 ** 31) % n;
}

/** A year's counts by month, local agency, federal agency and request type; sections by month and agency. */
function yearOfCounts(kind: 'mixed' | 'small', agencies: readonly string[]) {
  const next = rng(agencies.length * 31 + (kind === 'mixed' ? 1 : 2));
  const periods = periodsOfYear(2024);
  const months = periods.filter((p) => p.parts.length === 0).map((p) => p.label);
  const counts = new Map<string, StatisticsCounts>();
  const sections = new Map<string, Record<string, number>>();
  agencies.forEach((agency, i) => {
    // Mixed: the first agency the largest, then falling off as 1/rank; small: a handful each.
    const scale = kind === 'mixed' ? Math.max(2, Math.round(400 / (i + 1))) : 5;
    for (const month of months) {
      for (const federal of FEDERAL_AGENCIES) {
        for (const type of REQUEST_TYPES) {
          // Mixed: detainers from ICE are most of the volume, other rows rarer; small: every row a few.
          const share =
            kind === 'small' ? 1 : (type === 'DETAINER' ? 1 : 0.2) * (federal === 'ICE' ? 1 : 0.3);
          const volume = Math.round(scale * share);
          const declined = next(volume + 1);
          const honored = next(Math.max(1, Math.round(volume / 2)));
          // A row that receives nothing has nothing pending either: mixed agencies have many such rows.
          const pending = volume === 0 ? 0 : next(2);
          const received = declined + honored + pending;
          const due = NOTICE_REQUEST_TYPES.includes(type) ? received - pending : 0;
          const noticesOnTime = next(due + 1);
          counts.set(`${month}/${agency}/${federal}/${type}`, {
            received,
            honored,
            declined,
            partiallyHonored: 0,
            pending,
            honoredWithJudicialWarrant: next(honored + 1),
            honoredUnderException: 0,
            transfersToFederalCustody: next(Math.max(1, Math.round(honored / 2))),
            noticesOnTime,
            noticesLate: due - noticesOnTime,
          });
        }
      }
      sections.set(`${month}/${agency}`, { '2': next(3), '3': next(2), '5': next(Math.max(2, scale / 10)) });
    }
  });
  return { periods, counts, sections };
}

function decideOnce(kind: 'mixed' | 'small', n: number): { ms: number; withheld: number } {
  const agencies = Array.from({ length: n }, (_, i) => `agency-${i + 1}`);
  const { periods, counts, sections } = yearOfCounts(kind, agencies);
  const partsOf = new Map(periods.map(({ label, parts }) => [label, parts]));
  const monthsOf = (period: string): readonly string[] => {
    const parts = partsOf.get(period)!;
    return parts.length === 0 ? [period] : parts.flatMap(monthsOf);
  };
  const inScope = (scope: string): readonly string[] => (scope === '' ? agencies : [scope]);
  // Summed before the clock starts, as StatisticsQueries counts before it decides.
  const summed = new Map<string, Record<string, number>>();
  const sumOf = (
    key: string,
    period: string,
    scope: string,
    fields: readonly string[],
    part: (month: string, agency: string) => Record<string, number>,
  ): Record<string, number> => {
    let sum = summed.get(key);
    if (sum === undefined) {
      sum = Object.fromEntries(fields.map((f) => [f, 0]));
      for (const month of monthsOf(period))
        for (const agency of inScope(scope)) for (const f of fields) sum[f] += part(month, agency)[f];
      summed.set(key, sum);
    }
    return sum;
  };
  const rowOf = (period: string, scope: string, federal: FederalAgency, type: RequestType) =>
    sumOf(`${period}/${scope}/${federal}/${type}`, period, scope, STATISTICS_FIELDS, (month, agency) =>
      counts.get(`${month}/${agency}/${federal}/${type}`)!,
    ) as StatisticsCounts;
  const sectionsOf = (period: string, scope: string) =>
    sumOf(`${period}/${scope}`, period, scope, SECTIONS, (month, agency) =>
      sections.get(`${month}/${agency}`)!,
    );
  for (const { label } of periods) {
    for (const scope of ['', ...agencies]) {
      sectionsOf(label, scope);
      for (const federal of FEDERAL_AGENCIES)
        for (const type of REQUEST_TYPES) rowOf(label, scope, federal, type);
    }
  }

  const started = performance.now();
  const decided = suppressTogether(periods, agencies, rowOf, sectionsOf, THRESHOLD);
  const ms = performance.now() - started;
  let withheld = 0;
  for (const { label } of periods) {
    for (const scope of ['', ...agencies]) {
      for (const row of decided(label, scope).rows) withheld += row.suppressed.length;
    }
  }
  return { ms, withheld };
}

export function runSuppressionBench(): Promise<Record<string, number>> {
  const results: Record<string, number> = {};
  // Untimed: the first decisions in a process run unoptimised code (about 4x slower at 5 agencies).
  decideOnce('mixed', 5);
  for (const [kind, n] of CASES) {
    const runs = Array.from({ length: RUNS }, () => decideOnce(kind, n));
    const sorted = runs.map((r) => r.ms).sort((a, b) => a - b);
    results[`decide_ms_${kind}_${n}_agencies`] = Math.round(sorted[Math.floor(RUNS / 2)]);
    results[`withheld_cells_${kind}_${n}_agencies`] = runs[0].withheld;
  }
  return Promise.resolve(results);
}
