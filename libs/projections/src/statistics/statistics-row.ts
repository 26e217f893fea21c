import { FEDERAL_AGENCIES, REQUEST_TYPES, type FederalAgency, type RequestType } from '@trust-ledger/domain';
import {
  closeEqualities,
  closeIdentities,
  closeIntervals,
  closeLinearly,
  smallestPublished,
  withheldCells,
  type Equation,
  type Equations,
  type Identities,
} from './suppression';

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

/**
 * The equations a row's bounds are taken over: A, B and C, and their sums and differences that
 * cancel a cell they share (as rowIdentities lists them), which can bound what each alone does not.
 * `totals`: the places of A, B and C themselves, each a total and the parts it splits into, so the
 * equations in which two withheld cells made equal tell that all of a total's requests were in one
 * part (see closeEqualities). Their sums and differences equate cells of no such kind (as many
 * declined as late), and what they make equal through cells pinned at 0, A, B and C do too.
 */
function rowBoundEquations(requestType: RequestType): {
  equations: Partial<Record<StatisticsField, number>>[];
  totals: number[];
} {
  const identities = rowEquations(requestType);
  const [a, b, c] = identities;
  const combined = (...terms: [Partial<Record<StatisticsField, number>>, number][]) => {
    const sum: Partial<Record<StatisticsField, number>> = {};
    for (const [eq, times] of terms)
      for (const [field, k] of Object.entries(eq) as [StatisticsField, number][])
        sum[field] = (sum[field] ?? 0) + times * k;
    return Object.fromEntries(Object.entries(sum).filter(([, k]) => k !== 0));
  };
  const aPlusB = combined([a, 1], [b, 1]);
  const equations =
    c === undefined
      ? [a, b, aPlusB]
      : [a, b, aPlusB, c, combined([a, 1], [c, -1]), combined([aPlusB, 1], [c, -1])];
  return { equations, totals: identities.map((identity) => equations.indexOf(identity)) };
}

function rowIdentities(requestType: RequestType): readonly (readonly StatisticsField[])[] {
  return NOTICE_REQUEST_TYPES.includes(requestType)
    ? [A, B, A_PLUS_B, C, A_MINUS_C, A_PLUS_B_MINUS_C]
    : [A, B, A_PLUS_B];
}

/**
 * A row's equations, as (field, coefficient) lists, the numbers of those naming each field, and
 * of those that are A, B or C.
 */
type RowEquations = { list: [field: number, k: number][][]; naming: number[][]; totals: readonly number[] };

/** One scope's share of a period's suppressed statistics. */
export interface ScopeStatistics {
  rows: StatisticsRow[];
  sections: { values: Record<string, number | null>; suppressed: string[] };
}

/** A period whose statistics are published, and the periods whose counts add up to its (none for
 * the smallest). */
export interface PeriodParts {
  label: string;
  parts: readonly string[];
}

/** The periods decided together: the year of `year`, its quarters and its months, each with the
 * periods that add up to it. */
export function periodsOfYear(year: number): PeriodParts[] {
  const y = String(year).padStart(4, '0');
  const month = (m: number): string => `${y}-${String(m).padStart(2, '0')}`;
  const quarters = [1, 2, 3, 4].map((q) => ({
    label: `${y}-Q${q}`,
    parts: [1, 2, 3].map((m) => month((q - 1) * 3 + m)),
  }));
  return [
    { label: y, parts: quarters.map((q) => q.label) },
    ...quarters,
    ...Array.from({ length: 12 }, (_, m) => ({ label: month(m + 1), parts: [] })),
  ];
}

/**
 * Suppression of a set of periods' counts (a year, its quarters and months) in every scope, all at
 * once: the jurisdiction's (`''`) and each local agency's, as the public statistics serve them
 * without and with `agencyId`. Besides each row's identities, every count is a sum twice over:
 * - a jurisdiction count is the sum of the agencies' counts (requests on a case with no agency
 *   aside: no query publishes them, so they are treated as known, which can only withhold more);
 * - a period's count is the sum of its parts' counts (acts are counted by when they happened).
 *
 * So every (row, field) and every section is also an identity across the scopes and across the
 * periods, and a withheld cell can be had neither as the jurisdiction's count minus the other
 * agencies' nor as a year's count minus its other quarters. Decided over all of them together, and
 * the same for every query of the set. `sections` must name the same sections for every scope.
 * `upTo: 'exactness'` stops before the bounds and equalities closures, `'intervals'` before the
 * equalities: what was withheld before them, which tests check they only add to.
 */
export function suppressTogether(
  periods: readonly PeriodParts[],
  agencies: readonly string[],
  counts: (period: string, scope: string, agency: FederalAgency, type: RequestType) => StatisticsCounts,
  sections: (period: string, scope: string) => Record<string, number>,
  threshold: number,
  upTo: 'exactness' | 'intervals' | 'bounds' = 'bounds',
): (period: string, scope: string) => ScopeStatistics {
  const scopes = ['', ...agencies];
  // A slice is one period in one scope: one published table.
  const slices = periods.flatMap(({ label }) => scopes.map((scope) => ({ period: label, scope })));
  const sliceOf = new Map(slices.map(({ period, scope }, x) => [`${period}\n${scope}`, x]));
  const slice = (period: string, scope: string): number | undefined => sliceOf.get(`${period}\n${scope}`);
  // Each sum among the slices: a total and the parts it adds up; `byAgency` when the parts are the
  // agencies' counts of the jurisdiction's total, each of which its own agency knows.
  const sums: { total: number; parts: number[]; byAgency?: true }[] = [];
  for (const { label, parts } of periods) {
    if (agencies.length > 0) {
      sums.push({ total: slice(label, '')!, parts: agencies.map((a) => slice(label, a)!), byAgency: true });
    }
    if (parts.length > 0) {
      for (const scope of scopes) {
        sums.push({ total: slice(label, scope)!, parts: parts.map((part) => slice(part, scope)!) });
      }
    }
  }

  // The sums each slice is in (as total or part), ascending.
  const sumsOf: number[][] = slices.map(() => []);
  sums.forEach(({ total, parts }, s) => {
    for (const x of [total, ...parts]) sumsOf[x].push(s);
  });
  const sumCells = (s: number, cellOf: (x: number) => number): number[] => [
    cellOf(sums[s].total),
    ...sums[s].parts.map(cellOf),
  ];
  const sumEquation = (s: number, cellOf: (x: number) => number): Equation =>
    new Map([[cellOf(sums[s].total), 1], ...sums[s].parts.map((x): [number, number] => [cellOf(x), -1])]);

  const names = Object.keys(sections(periods[0].label, ''));
  const A = FEDERAL_AGENCIES.length;
  const T = REQUEST_TYPES.length;
  const F = STATISTICS_FIELDS.length;
  const K = names.length;
  const S = sums.length;
  // Cells are numbered slice by slice: each slice's rows (agency, type, field), then its sections.
  const perSlice = A * T * F + K;
  const rowCell = (x: number, a: number, t: number, f: number): number => x * perSlice + (a * T + t) * F + f;
  const sectionCell = (x: number, k: number): number => x * perSlice + A * T * F + k;
  const fieldAt = new Map(STATISTICS_FIELDS.map((f, i) => [f, i]));

  const values: number[] = [];
  slices.forEach(({ period, scope }, x) => {
    FEDERAL_AGENCIES.forEach((agency, a) => {
      REQUEST_TYPES.forEach((type, t) => {
        const c = counts(period, scope, agency, type);
        STATISTICS_FIELDS.forEach((field, f) => (values[rowCell(x, a, t, f)] = c[field]));
      });
    });
    const n = sections(period, scope);
    names.forEach((name, k) => (values[sectionCell(x, k)] = n[name]));
  });

  /*
   * The identities, numbered in the order the closure has always taken them, which decides the
   * complements it withholds (see closeIdentities): each slice's rows' identities (slice by slice,
   * row by row), then the sums of each row cell (by agency, type and field), then each section's.
   * The same holds for each block's equations below.
   */
  const fieldsOf = REQUEST_TYPES.map((type) =>
    rowIdentities(type).map((identity) => identity.map((field) => fieldAt.get(field)!)),
  );
  // Where each row's identities start among its slice's, and which row and identity each place is.
  const rowStart: number[] = [];
  const placeOf: [row: number, k: number][] = [];
  for (let row = 0; row < A * T; row++) {
    rowStart.push(placeOf.length);
    fieldsOf[row % T].forEach((_, k) => placeOf.push([row, k]));
  }
  const R = placeOf.length;
  const sumsFrom = slices.length * R;
  const sectionsFrom = sumsFrom + A * T * F * S;
  // For each field, the numbers of the lists (a row's identities or equations) that name it.
  const naming = (lists: readonly (readonly number[])[]): number[][] =>
    STATISTICS_FIELDS.map((_, f) => lists.flatMap((fields, k) => (fields.includes(f) ? [k] : [])));
  // The identities of each (type, field) among its row's, by number.
  const rowIdentitiesWith = fieldsOf.map(naming);
  const identities: Identities = {
    count: sectionsFrom + K * S,
    cellsOf: (i) => {
      if (i < sumsFrom) {
        const x = Math.floor(i / R);
        const [row, k] = placeOf[i % R];
        return fieldsOf[row % T][k].map((f) => x * perSlice + row * F + f);
      }
      if (i < sectionsFrom) {
        // The sum's place in each of its slices: the same row cell (agency, type, field).
        const within = Math.floor((i - sumsFrom) / S);
        return sumCells((i - sumsFrom) % S, (x) => x * perSlice + within);
      }
      const k = Math.floor((i - sectionsFrom) / S);
      return sumCells((i - sectionsFrom) % S, (x) => sectionCell(x, k));
    },
    containing: (cell) => {
      const x = Math.floor(cell / perSlice);
      const w = cell % perSlice;
      if (w >= A * T * F) return sumsOf[x].map((s) => sectionsFrom + (w - A * T * F) * S + s);
      const row = Math.floor(w / F);
      return [
        ...rowIdentitiesWith[row % T][w % F].map((k) => x * R + rowStart[row] + k),
        ...sumsOf[x].map((s) => sumsFrom + w * S + s),
      ];
    },
  };
  const hidden = withheldCells(values, threshold, identities);

  // Each (requesting agency, type) row of every slice, with its equations, is a system of its own:
  // its row equations slice by slice, then each field's sums. So is each section, with its sums.
  const fieldsNamed = (
    eqs: Partial<Record<StatisticsField, number>>[],
    totals: readonly number[],
  ): RowEquations => {
    const list = eqs.map((eq) =>
      Object.entries(eq).map(([field, k]): [number, number] => [fieldAt.get(field as StatisticsField)!, k]),
    );
    return { list, naming: naming(list.map((eq) => eq.map(([f]) => f))), totals };
  };
  // Equalities are closed over the bounds' equations alone (closeEqualities), so these name no totals.
  const exactOf = REQUEST_TYPES.map((type) => fieldsNamed(rowEquations(type), []));
  const boundedOf = REQUEST_TYPES.map((type) => {
    const { equations, totals } = rowBoundEquations(type);
    return fieldsNamed(equations, totals);
  });
  /**
   * `ownRows`: the block's equations within each slice's row alone (numbered first), and `totals`
   * whether one is a total and its parts (A, B or C).
   */
  type Block = {
    block: number[];
    equations: Equations;
    ownRows: number;
    totals: (equation: number) => boolean;
  };
  const rowBlock = (
    a: number,
    t: number,
    { list: rowEqs, naming: rowEquationsWith, totals }: RowEquations,
  ): Block => {
    const J = rowEqs.length;
    const block: number[] = [];
    for (let x = 0; x < slices.length; x++) for (let f = 0; f < F; f++) block.push(rowCell(x, a, t, f));
    return {
      block,
      ownRows: slices.length * J,
      totals: (e) => e < slices.length * J && totals.includes(e % J),
      equations: {
        count: slices.length * J + F * S,
        equation: (e) => {
          if (e < slices.length * J) {
            const x = Math.floor(e / J);
            return new Map(rowEqs[e % J].map(([f, k]) => [rowCell(x, a, t, f), k]));
          }
          const f = Math.floor((e - slices.length * J) / S);
          return sumEquation((e - slices.length * J) % S, (x) => rowCell(x, a, t, f));
        },
        containing: (cell) => {
          const x = Math.floor(cell / perSlice);
          const f = (cell % perSlice) % F;
          return [
            ...rowEquationsWith[f].map((j) => x * J + j),
            ...sumsOf[x].map((s) => slices.length * J + f * S + s),
          ];
        },
      },
    };
  };
  const sectionBlock = (k: number): Block => ({
    block: slices.map((_, x) => sectionCell(x, k)),
    ownRows: 0,
    totals: () => false,
    equations: {
      count: S,
      equation: (s) => sumEquation(s, (x) => sectionCell(x, k)),
      containing: (cell) => sumsOf[Math.floor(cell / perSlice)],
    },
  });
  /** Each block, with its rows' equations from `rowsBy`, or only the blocks of `changed` cells. */
  const blocks = (rowsBy: readonly RowEquations[], changed?: readonly number[]): Block[] => {
    const rows = new Set<number>();
    const sectionsChanged = new Set<number>();
    for (const cell of changed ?? []) {
      const w = cell % perSlice;
      if (w < A * T * F) rows.add(Math.floor(w / F));
      else sectionsChanged.add(w - A * T * F);
    }
    return [
      ...FEDERAL_AGENCIES.flatMap((_, a) =>
        REQUEST_TYPES.flatMap((_, t) =>
          changed === undefined || rows.has(a * T + t) ? [rowBlock(a, t, rowsBy[t])] : [],
        ),
      ),
      ...names.flatMap((_, k) => (changed === undefined || sectionsChanged.has(k) ? [sectionBlock(k)] : [])),
    ];
  };
  /** Closes each block, or only those of `changed` cells: a block's closure withholds only its own. */
  const closeBlocks = (changed?: readonly number[]): void => {
    for (const { block, equations } of blocks(exactOf, changed))
      closeLinearly(values, hidden, block, equations);
  };
  closeBlocks();

  /*
   * An agency knows its own counts, so a jurisdiction's count whose agencies' cells are withheld
   * two at a time gives either agency the other's by subtraction (12 published, its own 10: the
   * other's 2). Each such sum gets one more withheld cell, then everything is closed again, until
   * no sum of the agencies' counts has exactly two of them withheld and its total published.
   */
  const againstAgencies = (): number[] => {
    const added: number[] = [];
    const close = (cells: number[]): void => {
      const withheld = cells.filter((cell) => hidden[cell]);
      if (withheld.length !== 2 || hidden[cells[0]]) return;
      const complement = smallestPublished(cells, hidden, values);
      if (complement === undefined) return;
      hidden[complement] = true;
      added.push(complement);
    };
    sums.forEach((sum, s) => {
      if (sum.byAgency !== true) return;
      for (let w = 0; w < A * T * F; w++) close(sumCells(s, (x) => x * perSlice + w));
      for (let k = 0; k < K; k++) close(sumCells(s, (x) => sectionCell(x, k)));
    });
    return added;
  };
  const newSince = (before: readonly boolean[]): number[] =>
    hidden.flatMap((withheld, cell) => (withheld && !before[cell] ? [cell] : []));
  const closeExactly = (): void => {
    for (let added = againstAgencies(); added.length > 0; added = againstAgencies()) {
      const before = hidden.slice();
      closeIdentities(values, hidden, identities, added);
      closeBlocks(newSince(before));
    }
  };
  closeExactly();

  /*
   * Bounds last, once the exact closure is done, and only adding to it: what was withheld before
   * the bounds were closed stays withheld, so earlier answers over the same counts, already
   * public, reveal nothing the new ones do not. Cells withheld for bounds may be solvable exactly,
   * so the exact closure runs again, then the bounds of the blocks it changed. With the bounds, no
   * row's total is left equal to one of its parts, both withheld, by the row's own cells
   * (closeEqualities), to the same fixed point. A zero the sums pin is the zero of a published
   * count (a quarter's, or the jurisdiction's and the other agencies'), whose requests it tells
   * about at that count, as the threshold allows: closing those too withheld most of a row's year
   * for one request, and 3.5 times the cells of the year the digest test decides.
   */
  const closeBounds = (equalities: boolean): void => {
    for (let changed: number[] | undefined; ;) {
      const before = hidden.slice();
      const added = blocks(boundedOf, changed).flatMap(({ block, equations, ownRows, totals }) => [
        // Over every block, the first time equalities are closed, the bounds are closed already.
        ...(equalities && changed === undefined ? [] : closeIntervals(values, hidden, block, equations)),
        ...(equalities
          ? closeEqualities(
              values,
              hidden,
              block,
              { ...equations, containing: (cell) => equations.containing(cell).filter((e) => e < ownRows) },
              totals,
            )
          : []),
      ]);
      if (added.length === 0) break;
      closeIdentities(values, hidden, identities, added);
      closeBlocks(newSince(before));
      closeExactly();
      changed = newSince(before);
    }
  };
  // The bounds alone to their fixed point first, as they were decided before equalities were
  // closed, and only then the equalities with them: closed together from the start, they chose
  // other complements, publishing some cells the bounds alone withhold, which beside those earlier
  // answers, already public (a report published before), told what each withheld.
  if (upTo !== 'exactness') closeBounds(false);
  if (upTo === 'bounds') closeBounds(true);

  const published = (cell: number): number | null => (hidden[cell] ? null : values[cell]);

  return (period, scope) => {
    const x = slice(period, scope);
    if (x === undefined) throw new Error(`no statistics were suppressed for ${period} of agency ${scope}`);
    const rows = FEDERAL_AGENCIES.flatMap((agency, a) =>
      REQUEST_TYPES.map((type, t): StatisticsRow => {
        const row = {} as Record<StatisticsField, number | null>;
        STATISTICS_FIELDS.forEach((field, f) => (row[field] = published(rowCell(x, a, t, f))));
        const suppressed = STATISTICS_FIELDS.filter((field) => row[field] === null);
        return { requestingAgency: agency, requestType: type, ...row, suppressed };
      }),
    );
    const sectionValues = Object.fromEntries(names.map((name, k) => [name, published(sectionCell(x, k))]));
    return {
      rows,
      sections: { values: sectionValues, suppressed: names.filter((name) => sectionValues[name] === null) },
    };
  };
}
