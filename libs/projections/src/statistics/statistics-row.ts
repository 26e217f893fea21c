import { FEDERAL_AGENCIES, REQUEST_TYPES, type FederalAgency, type RequestType } from '@trust-ledger/domain';
import { closeLinearly, withheldCells, type Equation, type Identity } from './suppression';

/** The counted cells of a statistics row, in API.md's order. */
export const STATISTICS_FIELDS = [
  'received',
  'honored',
  'declined',
  'partiallyHonored',
  'pending',
  'honoredWithJudicialWarrant',
  'honoredUnderException',
  'transfersToFederalCustody',
  'noticesOnTime',
  'noticesLate',
] as const;
export type StatisticsField = (typeof STATISTICS_FIELDS)[number];
export type StatisticsCounts = Record<StatisticsField, number>;

export type StatisticsRow = {
  requestingAgency: FederalAgency;
  requestType: RequestType;
} & Record<StatisticsField, number | null> & { suppressed: StatisticsField[] };

/** Request types that call for a REQUEST_AND_INTENT notice (§ 5), so whose rows count notices. */
export const NOTICE_REQUEST_TYPES: readonly RequestType[] = ['DETAINER', 'NOTIFICATION', 'TRANSFER'];

/*
 * The row's identities:
 *   A  received = honored + declined + partiallyHonored + pending
 *   B  honored + partiallyHonored = honoredWithJudicialWarrant + honoredUnderException + other bases
 *   C  received = noticesOnTime + noticesLate + not yet due        (notice-bearing types only)
 * "Other bases" and "not yet due" are unpublished but often zero, so they are treated as known.
 * Adding or subtracting identities cancels the cells they share, which yields identities of their
 * own; a cell alone among withheld cells in any of those is recoverable, so all of them are listed.
 */
const A: readonly StatisticsField[] = ['received', 'honored', 'declined', 'partiallyHonored', 'pending'];
const B: readonly StatisticsField[] = [
  'honored',
  'partiallyHonored',
  'honoredWithJudicialWarrant',
  'honoredUnderException',
];
const A_PLUS_B: readonly StatisticsField[] = [
  'received',
  'declined',
  'pending',
  'honoredWithJudicialWarrant',
  'honoredUnderException',
];
const C: readonly StatisticsField[] = ['received', 'noticesOnTime', 'noticesLate'];
const A_MINUS_C: readonly StatisticsField[] = [
  'honored',
  'declined',
  'partiallyHonored',
  'pending',
  'noticesOnTime',
  'noticesLate',
];
const A_PLUS_B_MINUS_C: readonly StatisticsField[] = [
  'declined',
  'pending',
  'honoredWithJudicialWarrant',
  'honoredUnderException',
  'noticesOnTime',
  'noticesLate',
];

/** A, B and C as equations (coefficients; the unpublished constants left out). */
function rowEquations(requestType: RequestType): Partial<Record<StatisticsField, number>>[] {
  const equations: Partial<Record<StatisticsField, number>>[] = [
    { received: 1, honored: -1, declined: -1, partiallyHonored: -1, pending: -1 },
    { honored: 1, partiallyHonored: 1, honoredWithJudicialWarrant: -1, honoredUnderException: -1 },
  ];
  if (NOTICE_REQUEST_TYPES.includes(requestType)) {
    equations.push({ received: 1, noticesOnTime: -1, noticesLate: -1 });
  }
  return equations;
}

export function rowIdentities(requestType: RequestType): readonly (readonly StatisticsField[])[] {
  return NOTICE_REQUEST_TYPES.includes(requestType)
    ? [A, B, A_PLUS_B, C, A_MINUS_C, A_PLUS_B_MINUS_C]
    : [A, B, A_PLUS_B];
}

/** One scope's share of a period's suppressed statistics. */
export interface ScopeStatistics {
  rows: StatisticsRow[];
  sections: { values: Record<string, number | null>; suppressed: string[] };
}

/**
 * Suppression of one period's counts in every scope at once: the jurisdiction's (`''`) and each
 * local agency's, as the public statistics serve them without and with `agencyId`. Besides each
 * row's identities, each jurisdiction count is the sum of the agencies' counts (requests on a case
 * with no agency aside: no query publishes them, so they are treated as known, which can only
 * withhold more). So every (row, field) and every section is also an identity across the scopes,
 * and a withheld agency count cannot be had as the jurisdiction's count minus the other agencies'.
 * Decided over all scopes together, and the same for every query of the period. `sections` must
 * name the same sections for every scope.
 */
export function suppressAcrossAgencies(
  agencies: readonly string[],
  counts: (scope: string, agency: FederalAgency, type: RequestType) => StatisticsCounts,
  sections: (scope: string) => Record<string, number>,
  threshold: number,
): (scope: string) => ScopeStatistics {
  const scopes = ['', ...agencies];
  const names = Object.keys(sections(''));
  // Cells are numbered scope by scope: each scope's rows (agency, type, field), then its sections.
  const perScope = FEDERAL_AGENCIES.length * REQUEST_TYPES.length * STATISTICS_FIELDS.length + names.length;
  const rowCell = (s: number, a: number, t: number, f: number): number =>
    s * perScope + (a * REQUEST_TYPES.length + t) * STATISTICS_FIELDS.length + f;
  const sectionCell = (s: number, k: number): number => (s + 1) * perScope - names.length + k;
  const fieldAt = new Map(STATISTICS_FIELDS.map((f, i) => [f, i]));

  const values: number[] = [];
  const identities: Identity[] = [];
  scopes.forEach((scope, s) => {
    FEDERAL_AGENCIES.forEach((agency, a) => {
      REQUEST_TYPES.forEach((type, t) => {
        const c = counts(scope, agency, type);
        STATISTICS_FIELDS.forEach((field, f) => (values[rowCell(s, a, t, f)] = c[field]));
        for (const identity of rowIdentities(type)) {
          identities.push(identity.map((field) => rowCell(s, a, t, fieldAt.get(field)!)));
        }
      });
    });
    const n = sections(scope);
    names.forEach((name, k) => (values[sectionCell(s, k)] = n[name]));
  });
  if (agencies.length > 0) {
    const across = (cellOf: (s: number) => number): number[] => scopes.map((_, s) => cellOf(s));
    FEDERAL_AGENCIES.forEach((_, a) =>
      REQUEST_TYPES.forEach((_, t) =>
        STATISTICS_FIELDS.forEach((_, f) => identities.push(across((s) => rowCell(s, a, t, f)))),
      ),
    );
    names.forEach((_, k) => identities.push(across((s) => sectionCell(s, k))));
  }
  const hidden = withheldCells(values, threshold, identities);
  // Each (requesting agency, type) row of every scope, with its equations, is a system of its own.
  FEDERAL_AGENCIES.forEach((_, a) =>
    REQUEST_TYPES.forEach((type, t) => {
      const block = scopes.flatMap((_, s) => STATISTICS_FIELDS.map((__, f) => rowCell(s, a, t, f)));
      const equations: Equation[] = scopes.flatMap((_, s) =>
        rowEquations(type).map(
          (eq) =>
            new Map(
              Object.entries(eq).map(([field, k]) => [
                rowCell(s, a, t, fieldAt.get(field as StatisticsField)!),
                k,
              ]),
            ),
        ),
      );
      if (agencies.length > 0) {
        STATISTICS_FIELDS.forEach((_, f) =>
          equations.push(new Map(scopes.map((__, s) => [rowCell(s, a, t, f), s === 0 ? 1 : -1]))),
        );
      }
      closeLinearly(values, hidden, block, equations);
    }),
  );
  const published = (cell: number): number | null => (hidden[cell] ? null : values[cell]);

  return (scope) => {
    const s = scopes.indexOf(scope);
    if (s < 0) throw new Error(`no statistics were suppressed for agency ${scope}`);
    const rows = FEDERAL_AGENCIES.flatMap((agency, a) =>
      REQUEST_TYPES.map((type, t): StatisticsRow => {
        const row = {} as Record<StatisticsField, number | null>;
        STATISTICS_FIELDS.forEach((field, f) => (row[field] = published(rowCell(s, a, t, f))));
        const suppressed = STATISTICS_FIELDS.filter((field) => row[field] === null);
        return { requestingAgency: agency, requestType: type, ...row, suppressed };
      }),
    );
    const sectionValues = Object.fromEntries(names.map((name, k) => [name, published(sectionCell(s, k))]));
    return {
      rows,
      sections: { values: sectionValues, suppressed: names.filter((name) => sectionValues[name] === null) },
    };
  };
}
