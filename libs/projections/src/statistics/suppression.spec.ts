import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { FEDERAL_AGENCIES, REQUEST_TYPES, type FederalAgency, type RequestType } from '@trust-ledger/domain';
import {
  NOTICE_REQUEST_TYPES,
  periodsOfYear,
  STATISTICS_FIELDS,
  suppressTogether,
  type StatisticsCounts,
  type StatisticsField,
  type StatisticsRow,
} from './statistics-row';
import { closeIntervals, NEAR_CELLS, withheldCells, type Equations } from './suppression';

const ZERO = Object.fromEntries(STATISTICS_FIELDS.map((f) => [f, 0])) as StatisticsCounts;
/** A period asked of alone, with no parts. */
const ONE_PERIOD = [{ label: 'P', parts: [] }];

/** One row suppressed as the jurisdiction's statistics of a period with no local agency would be. */
function suppressRow(
  agency: FederalAgency,
  type: RequestType,
  counts: StatisticsCounts,
  threshold: number,
): StatisticsRow {
  const { rows } = suppressTogether(
    ONE_PERIOD,
    [],
    (_, __, a, t) => (a === agency && t === type ? counts : ZERO),
    () => ({}),
    threshold,
  )('P', '');
  return rows.find((r) => r.requestingAgency === agency && r.requestType === type)!;
}

/**
 * The row's base identities as linear equations over the published fields (+1/−1 per cell). Cells
 * the public never sees (decisions on other bases, notices not yet due) are constants here, i.e.
 * assumed known to an attacker.
 */
function baseEquations(requestType: RequestType): Partial<Record<StatisticsField, number>>[] {
  const eqs: Partial<Record<StatisticsField, number>>[] = [
    { received: 1, honored: -1, declined: -1, partiallyHonored: -1, pending: -1 },
    { honored: 1, partiallyHonored: 1, honoredWithJudicialWarrant: -1, honoredUnderException: -1 },
  ];
  if (NOTICE_REQUEST_TYPES.includes(requestType))
    eqs.push({ received: 1, noticesOnTime: -1, noticesLate: -1 });
  return eqs;
}

function rank(rows: number[][]): number {
  const m = rows.map((r) => [...r]);
  let r = 0;
  const cols = m[0]?.length ?? 0;
  for (let c = 0; c < cols && r < m.length; c++) {
    const pivot = m.findIndex((row, i) => i >= r && Math.abs(row[c]) > 1e-9);
    if (pivot < 0) continue;
    [m[r], m[pivot]] = [m[pivot], m[r]];
    for (let i = 0; i < m.length; i++) {
      if (i === r) continue;
      const f = m[i][c] / m[r][c];
      for (let j = c; j < cols; j++) m[i][j] -= f * m[r][j];
    }
    r++;
  }
  return r;
}

/**
 * A withheld cell is recoverable from the published ones exactly when it is fixed by the linear
 * system over the withheld cells: when dropping its column lowers the rank.
 */
function recoverableIn<C>(eqs: Map<C, number>[], cell: C, hidden: C[]): boolean {
  const matrix = (cols: C[]) => eqs.map((eq) => cols.map((c) => eq.get(c) ?? 0));
  return rank(matrix(hidden)) > rank(matrix(hidden.filter((c) => c !== cell)));
}

/**
 * The withheld cells the equations fix, found at once for larger systems: reduced to row echelon
 * form (Gauss–Jordan), a row that holds one withheld cell alone fixes it.
 */
function fixedIn<C>(eqs: Map<C, number>[], hidden: C[]): Set<C> {
  const m = eqs.map((eq) => hidden.map((c) => eq.get(c) ?? 0));
  const pivots: number[] = [];
  for (let c = 0, r = 0; c < hidden.length && r < m.length; c++) {
    const p = m.findIndex((row, i) => i >= r && Math.abs(row[c]) > 1e-9);
    if (p < 0) continue;
    [m[r], m[p]] = [m[p], m[r]];
    const lead = m[r][c];
    m[r] = m[r].map((v) => v / lead);
    for (let i = 0; i < m.length; i++) {
      const f = m[i][c];
      if (i !== r && f !== 0) m[i] = m[i].map((v, j) => v - f * m[r][j]);
    }
    pivots.push(c);
    r++;
  }
  return new Set(
    pivots.filter((c, r) => m[r].every((v, j) => j === c || Math.abs(v) < 1e-9)).map((c) => hidden[c]),
  );
}

function recoverable(cell: StatisticsField, hidden: StatisticsField[], requestType: RequestType): boolean {
  const eqs = baseEquations(requestType).map(
    (eq) => new Map(Object.entries(eq) as [StatisticsField, number][]),
  );
  return recoverableIn(eqs, cell, hidden);
}

/** A consistent row: every identity holds, with counts up to `most` (by outcome) so that small cells are common. */
const consistentRowUpTo = (most: {
  honored: number;
  declined: number;
  partiallyHonored: number;
  pending: number;
}) =>
  fc
    .record({
      honored: fc.nat(most.honored),
      declined: fc.nat(most.declined),
      partiallyHonored: fc.nat(most.partiallyHonored),
      pending: fc.nat(most.pending),
      warrantShare: fc.double({ min: 0, max: 1, noNaN: true }),
      exceptionShare: fc.double({ min: 0, max: 1, noNaN: true }),
      dueShare: fc.double({ min: 0, max: 1, noNaN: true }),
      onTimeShare: fc.double({ min: 0, max: 1, noNaN: true }),
      transfersToFederalCustody: fc.nat(9),
      requestType: fc.constantFrom(...REQUEST_TYPES),
    })
    .map((g) => {
      const received = g.honored + g.declined + g.partiallyHonored + g.pending;
      const honoredAll = g.honored + g.partiallyHonored;
      const honoredWithJudicialWarrant = Math.floor(honoredAll * g.warrantShare);
      const honoredUnderException = Math.floor((honoredAll - honoredWithJudicialWarrant) * g.exceptionShare);
      const noticed = NOTICE_REQUEST_TYPES.includes(g.requestType) ? Math.floor(received * g.dueShare) : 0;
      const noticesOnTime = Math.floor(noticed * g.onTimeShare);
      const counts: StatisticsCounts = {
        received,
        honored: g.honored,
        declined: g.declined,
        partiallyHonored: g.partiallyHonored,
        pending: g.pending,
        honoredWithJudicialWarrant,
        honoredUnderException,
        transfersToFederalCustody: g.transfersToFederalCustody,
        noticesOnTime,
        noticesLate: noticed - noticesOnTime,
      };
      return { counts, requestType: g.requestType };
    });
const consistentRow = consistentRowUpTo({ honored: 12, declined: 30, partiallyHonored: 8, pending: 10 });
/** A consistent row of a handful of requests, as of a small agency's month. */
const smallRow = consistentRowUpTo({ honored: 3, declined: 5, partiallyHonored: 1, pending: 2 });

/** A month of a small year: an agency's few small rows and sections, mostly zero. */
const smallMonth = fc.record({
  rows: fc.array(fc.record({ federal: fc.constantFrom(...FEDERAL_AGENCIES), row: smallRow }), {
    maxLength: 2,
  }),
  sections: fc.record({
    '2': fc.oneof(fc.constant(0), fc.nat(3)),
    '5': fc.oneof(fc.constant(0), fc.nat(7)),
  }),
});
type SmallMonth = typeof smallMonth extends fc.Arbitrary<infer M> ? M : never;

/** A small year of two or three agencies: their number, and a month of each for each month. */
const smallYear = fc
  .integer({ min: 2, max: 3 })
  .chain((n) => fc.tuple(fc.constant(n), fc.array(smallMonth, { minLength: 12 * n, maxLength: 12 * n })));

/** A small year's agencies and its true counts: each period's and scope's, its months' sums. */
function smallYearTruth(
  monthsOf: (period: string) => readonly string[],
  n: number,
  draws: readonly SmallMonth[],
) {
  const agencies = Array.from({ length: n }, (_, i) => `a${i}`);
  const drawn = (period: string, scope: string) =>
    monthsOf(period).flatMap((m) =>
      (scope === '' ? agencies : [scope]).map(
        (a) => draws[(Number(m.slice(5)) - 1) * n + agencies.indexOf(a)],
      ),
    );
  const truth = {
    row: (period: string, scope: string, federal: FederalAgency, type: RequestType) => {
      const sum = { ...ZERO };
      for (const { rows } of drawn(period, scope))
        for (const { federal: f, row } of rows)
          if (f === federal && row.requestType === type)
            for (const field of STATISTICS_FIELDS) sum[field] += row.counts[field];
      return sum;
    },
    section: (period: string, scope: string) => {
      const sum: Record<string, number> = { '2': 0, '5': 0 };
      for (const { sections } of drawn(period, scope))
        for (const k of ['2', '5'] as const) sum[k] += sections[k];
      return sum;
    },
  };
  return { agencies, truth };
}

/** A linear identity among cells: each cell's coefficient. */
type Terms<C> = readonly (readonly [cell: C, k: number])[];

/**
 * What interval propagation tells a reader of the published cells about each withheld one: every
 * withheld count is at least 1 (0 for a withheld true zero: zeros withheld as complements can be)
 * and, identity by identity, within what the other terms allow, until no bound moves. An
 * identity's unpublished part (decisions on other bases, notices not yet due) is taken as known
 * when it is 0, as a reader may know (a past period's notices are all due), else only its sign.
 */
function boundsByPropagation<C>(
  identities: readonly Terms<C>[],
  truth: (cell: C) => number,
  published: (cell: C) => number | null,
): Map<C, [low: number, high: number]> {
  const bounds = new Map<C, [number, number]>();
  const system = identities.flatMap((terms) => {
    const unknown = terms.filter(([c]) => published(c) === null);
    const unpublished = terms.reduce((sum, [c, k]) => sum + k * truth(c), 0);
    const rest = terms.reduce((sum, [c, k]) => sum + k * (published(c) ?? 0), 0);
    for (const [c] of unknown) bounds.set(c, [Math.min(1, truth(c)), Infinity]);
    // Σ k·unknown lies between these.
    const total: [number, number] =
      unpublished === 0 ? [-rest, -rest] : unpublished > 0 ? [1 - rest, Infinity] : [-Infinity, -1 - rest];
    return unknown.length === 0 ? [] : [{ unknown, total }];
  });
  for (let moved = true; moved;) {
    moved = false;
    for (const { unknown, total } of system) {
      unknown.forEach(([c, k], i) => {
        // The others' least and most sum, then what that leaves for k·c.
        let least = 0;
        let most = 0;
        unknown.forEach(([o, ko], j) => {
          if (j === i) return;
          const [lo, hi] = bounds.get(o)!;
          least += ko > 0 ? ko * lo : ko * hi;
          most += ko > 0 ? ko * hi : ko * lo;
        });
        const [from, to] =
          k > 0
            ? [(total[0] - most) / k, (total[1] - least) / k]
            : [(total[1] - least) / k, (total[0] - most) / k];
        const [lo, hi] = bounds.get(c)!;
        const next: [number, number] = [Math.max(lo, Math.ceil(from)), Math.min(hi, Math.floor(to))];
        if (next[0] !== lo || next[1] !== hi) {
          bounds.set(c, next);
          moved = true;
        }
      });
    }
  }
  return bounds;
}

/** A row's identities (baseEquations) and their sums and differences that cancel a shared cell. */
function rowIdentitiesOf(requestType: RequestType): Partial<Record<StatisticsField, number>>[] {
  const [a, b, c] = baseEquations(requestType);
  const add = (...eqs: [Partial<Record<StatisticsField, number>>, number][]) => {
    const sum: Partial<Record<StatisticsField, number>> = {};
    for (const [eq, times] of eqs)
      for (const [f, k] of Object.entries(eq) as [StatisticsField, number][])
        sum[f] = (sum[f] ?? 0) + times * k;
    return Object.fromEntries(Object.entries(sum).filter(([, k]) => k !== 0));
  };
  return c === undefined
    ? [a, b, add([a, 1], [b, 1])]
    : [a, b, add([a, 1], [b, 1]), c, add([a, 1], [c, -1]), add([a, 1], [b, 1], [c, -1])];
}

/**
 * Every withheld cell of a year's statistics (all its periods, the jurisdiction's and each agency's)
 * that interval propagation over all the published identities pins (lower bound = upper bound):
 * each row's identities, each jurisdiction count the agencies' sum and each period's its parts'.
 */
function pinnedCells(
  periods: readonly { label: string; parts: readonly string[] }[],
  agencies: readonly string[],
  truth: {
    row(period: string, scope: string, agency: FederalAgency, type: RequestType): StatisticsCounts;
    section(period: string, scope: string): Record<string, number>;
  },
  decided: (
    period: string,
    scope: string,
  ) => { rows: StatisticsRow[]; sections: { values: Record<string, number | null> } },
): string[] {
  const scopes = ['', ...agencies];
  const names = Object.keys(truth.section(periods[0].label, ''));
  // A cell: `period|scope|agency/type/field` or `period|scope|§section`.
  const rowCell = (p: string, s: string, a: FederalAgency, t: RequestType, f: StatisticsField) =>
    `${p}|${s}|${a}/${t}/${f}`;
  const sectionCell = (p: string, s: string, name: string) => `${p}|${s}|§${name}`;
  const truths = new Map<string, number>();
  const publishedOf = new Map<string, number | null>();
  for (const { label } of periods) {
    for (const scope of scopes) {
      const { rows, sections } = decided(label, scope);
      for (const row of rows) {
        const counts = truth.row(label, scope, row.requestingAgency, row.requestType);
        for (const f of STATISTICS_FIELDS) {
          const cell = rowCell(label, scope, row.requestingAgency, row.requestType, f);
          truths.set(cell, counts[f]);
          publishedOf.set(cell, row[f]);
        }
      }
      for (const name of names) {
        truths.set(sectionCell(label, scope, name), truth.section(label, scope)[name]);
        publishedOf.set(sectionCell(label, scope, name), sections.values[name]);
      }
    }
  }
  for (const [cell, n] of publishedOf)
    if (n !== null) expect({ cell, n }).toEqual({ cell, n: truths.get(cell) });
  // The sums, over any one place of a slice: the jurisdiction's = the agencies', a period's = its parts'.
  const sums = (place: (period: string, scope: string) => string): Terms<string>[] => [
    ...(agencies.length === 0
      ? []
      : periods.map(({ label }) => [
          [place(label, ''), 1] as const,
          ...agencies.map((a) => [place(label, a), -1] as const),
        ])),
    ...periods
      .filter(({ parts }) => parts.length > 0)
      .flatMap(({ label, parts }) =>
        scopes.map((scope) => [
          [place(label, scope), 1] as const,
          ...parts.map((q) => [place(q, scope), -1] as const),
        ]),
      ),
  ];
  const identities: Terms<string>[] = [
    ...FEDERAL_AGENCIES.flatMap((a) =>
      REQUEST_TYPES.flatMap((t) => [
        ...periods.flatMap(({ label }) =>
          scopes.flatMap((scope) =>
            rowIdentitiesOf(t).map((eq) =>
              (Object.entries(eq) as [StatisticsField, number][]).map(
                ([f, k]) => [rowCell(label, scope, a, t, f), k] as const,
              ),
            ),
          ),
        ),
        ...STATISTICS_FIELDS.flatMap((f) => sums((p, s) => rowCell(p, s, a, t, f))),
      ]),
    ),
    ...names.flatMap((name) => sums((p, s) => sectionCell(p, s, name))),
  ];
  const bounds = boundsByPropagation(
    identities,
    (c) => truths.get(c)!,
    (c) => publishedOf.get(c)!,
  );
  const pinned: string[] = [];
  for (const [cell, [low, high]] of bounds) {
    // Propagation is sound: the truth always lies within the bounds.
    expect({ cell, low: low <= truths.get(cell)!, high: truths.get(cell)! <= high }).toEqual({
      cell,
      low: true,
      high: true,
    });
    // A withheld zero pinned reveals only what publishing it would.
    if (low === high && truths.get(cell)! !== 0) pinned.push(cell);
  }
  return pinned;
}

/**
 * The pairs of a row's withheld non-zero cells, a total and one of its parts (on opposite sides of
 * A, B or C), that its identities, taken together, force to be equal (rank of the system with its
 * right-hand sides): those of A, B and C whose unpublished part is 0, the cells a reader knows
 * (published, or pinned by bounds) put in. (Cells of no such kind made equal, as many declined as
 * late, tell nothing about any one request.)
 */
function equalPairsByRank(counts: StatisticsCounts, row: StatisticsRow, requestType: RequestType): string[] {
  const terms = rowIdentitiesOf(requestType).map((eq) => Object.entries(eq) as [StatisticsField, number][]);
  const bounds = boundsByPropagation(
    terms,
    (f) => counts[f],
    (f) => row[f],
  );
  const known = (f: StatisticsField): number | null => {
    const [low, high] = bounds.get(f) ?? [NaN, NaN];
    return row[f] ?? (low === high ? low : null);
  };
  const unknown = STATISTICS_FIELDS.filter((f) => known(f) === null);
  const system = baseEquations(requestType)
    .map((eq) => Object.entries(eq) as [StatisticsField, number][])
    .filter((eq) => eq.reduce((sum, [f, k]) => sum + k * counts[f], 0) === 0)
    .map((eq) => [
      ...unknown.map((f) => eq.find(([g]) => g === f)?.[1] ?? 0),
      -eq.reduce((sum, [f, k]) => sum + k * (known(f) ?? 0), 0),
    ]);
  const equal: string[] = [];
  unknown.forEach((a, i) =>
    unknown.forEach((b, j) => {
      if (j <= i || counts[a] === 0 || counts[b] === 0) return;
      if (
        !baseEquations(requestType).some(
          (eq) => eq[a] !== undefined && eq[b] !== undefined && eq[a] === -eq[b],
        )
      )
        return;
      const difference = [...unknown.map((_, n) => (n === i ? 1 : n === j ? -1 : 0)), 0];
      if (system.length > 0 && rank([...system, difference]) === rank(system)) equal.push(`${a} = ${b}`);
    }),
  );
  return equal;
}

/** The cells `later` publishes that `earlier` withheld: together they would reveal those. */
function newlyPublished(
  periods: readonly { label: string }[],
  agencies: readonly string[],
  earlier: (period: string, scope: string) => { rows: StatisticsRow[]; sections: { suppressed: string[] } },
  later: (period: string, scope: string) => { rows: StatisticsRow[]; sections: { suppressed: string[] } },
): string[] {
  return periods.flatMap(({ label }) =>
    ['', ...agencies].flatMap((scope) => {
      const [before, after] = [earlier(label, scope), later(label, scope)];
      return [
        ...before.rows.flatMap((row, r) =>
          row.suppressed
            .filter((f) => !after.rows[r].suppressed.includes(f))
            .map((f) => `${label}|${scope}|${row.requestingAgency}/${row.requestType}/${f}`),
        ),
        ...before.sections.suppressed
          .filter((name) => !after.sections.suppressed.includes(name))
          .map((name) => `${label}|${scope}|§${name}`),
      ];
    }),
  );
}

describe('small-cell suppression', () => {
  it('publishes no count from 1 to threshold−1 and leaves no withheld cell recoverable from the row', () => {
    fc.assert(
      fc.property(consistentRow, fc.integer({ min: 2, max: 11 }), ({ counts, requestType }, threshold) => {
        const row = suppressRow('ICE', requestType, counts, threshold);
        for (const f of STATISTICS_FIELDS) {
          const v = row[f];
          if (v === null) {
            expect(row.suppressed).toContain(f);
          } else {
            expect(v).toBe(counts[f]);
            expect(v === 0 || v >= threshold).toBe(true);
          }
        }
        expect(row.suppressed).toEqual(STATISTICS_FIELDS.filter((f) => row[f] === null));
        for (const f of row.suppressed) expect(recoverable(f, row.suppressed, requestType)).toBe(false);
      }),
      { numRuns: 1000, seed: 1 },
    );
  });

  it('withholds a second cell of an identity beside a lone small cell, preferring the smallest non-zero', () => {
    const row = suppressRow(
      'CBP',
      'INFORMATION',
      {
        received: 20,
        honored: 0,
        declined: 17,
        partiallyHonored: 0,
        pending: 3,
        honoredWithJudicialWarrant: 0,
        honoredUnderException: 0,
        transfersToFederalCustody: 0,
        noticesOnTime: 0,
        noticesLate: 0,
      },
      5,
    );
    expect(row.suppressed).toEqual(['declined', 'pending']);
    expect(row.received).toBe(20);
    expect(row.honored).toBe(0);
  });

  it('also closes the identity obtained by adding A and B (received = declined + pending + the bases)', () => {
    // A and B each hold two or more small cells, yet A + B leaves pending alone among the withheld
    // cells (pending = received − declined − honoredWithJudicialWarrant − honoredUnderException).
    const counts: StatisticsCounts = {
      received: 28,
      honored: 3,
      declined: 20,
      partiallyHonored: 2,
      pending: 3,
      honoredWithJudicialWarrant: 5,
      honoredUnderException: 0,
      transfersToFederalCustody: 0,
      noticesOnTime: 0,
      noticesLate: 0,
    };
    const row = suppressRow('ICE', 'INTERVIEW', counts, 5);
    expect(row.suppressed).toEqual(['honored', 'partiallyHonored', 'pending', 'honoredWithJudicialWarrant']);
    for (const f of row.suppressed) expect(recoverable(f, row.suppressed, 'INTERVIEW')).toBe(false);
  });

  it('withholds only the small cells of violationsBySection', () => {
    const counts = { '1': 0, '2': 7, '3': 1, '5': 4 };
    expect(
      suppressTogether(
        ONE_PERIOD,
        [],
        () => ZERO,
        () => counts,
        5,
      )('P', '').sections,
    ).toEqual({
      values: { '1': 0, '2': 7, '3': null, '5': null },
      suppressed: ['3', '5'],
    });
  });

  it('leaves no agency’s withheld cell recoverable from the jurisdiction’s counts and the other agencies’', () => {
    // Each agency's row of one type, the jurisdiction's their sum; sections likewise.
    const agencyRows = (requestType: RequestType) =>
      fc
        .array(
          consistentRow.map(({ counts }) => counts),
          { minLength: 1, maxLength: 3 },
        )
        .map((rows) => ({ requestType, rows }));
    let withheldAcross = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...REQUEST_TYPES).chain(agencyRows),
        fc.array(fc.nat(9), { minLength: 3, maxLength: 3 }),
        fc.integer({ min: 2, max: 11 }),
        ({ requestType, rows }, sectionCounts, threshold) => {
          const agencies = rows.map((_, i) => `agency-${i}`);
          const scopes = ['', ...agencies];
          const countsOf = (scope: string): StatisticsCounts => {
            const of = scope === '' ? rows : [rows[agencies.indexOf(scope)]];
            return Object.fromEntries(
              STATISTICS_FIELDS.map((f) => [f, of.reduce((sum, r) => sum + r[f], 0)]),
            ) as StatisticsCounts;
          };
          // One section, split among the agencies as sectionCounts says (cycled).
          const sectionOf = (scope: string): Record<string, number> => ({
            '2':
              scope === ''
                ? agencies.reduce((sum, _, i) => sum + sectionCounts[i % 3], 0)
                : sectionCounts[agencies.indexOf(scope) % 3],
          });
          const decided = suppressTogether(
            ONE_PERIOD,
            agencies,
            (_, scope, agency, type) => (agency === 'ICE' && type === requestType ? countsOf(scope) : ZERO),
            (_, scope) => sectionOf(scope),
            threshold,
          );
          const served = (scope: string) => decided('P', scope);
          type Cell = `${string}/${StatisticsField}`;
          const hidden: Cell[] = [];
          const hiddenSections: string[] = [];
          for (const scope of scopes) {
            const { rows: published, sections } = served(scope);
            const row = published.find((r) => r.requestingAgency === 'ICE' && r.requestType === requestType)!;
            for (const f of STATISTICS_FIELDS) {
              if (row[f] === null) hidden.push(`${scope}/${f}`);
              else {
                expect(row[f]).toBe(countsOf(scope)[f]);
                expect(row[f] === 0 || row[f] >= threshold).toBe(true);
              }
            }
            expect(row.suppressed).toEqual(STATISTICS_FIELDS.filter((f) => row[f] === null));
            if (sections.values['2'] === null) hiddenSections.push(scope);
            else expect(sections.values['2'] === 0 || sections.values['2'] >= threshold).toBe(true);
          }
          // Every scope's row identities, and each field's jurisdiction count = the agencies' sum.
          const eqs: Map<Cell, number>[] = [
            ...scopes.flatMap((scope) =>
              baseEquations(requestType).map(
                (eq) => new Map(Object.entries(eq).map(([f, k]) => [`${scope}/${f}` as Cell, k])),
              ),
            ),
            ...STATISTICS_FIELDS.map(
              (f) =>
                new Map<Cell, number>([
                  [`/${f}`, 1],
                  ...agencies.map((a): [Cell, number] => [`${a}/${f}`, -1]),
                ]),
            ),
          ];
          for (const cell of hidden)
            expect({ cell, recoverable: recoverableIn(eqs, cell, hidden) }).toEqual({
              cell,
              recoverable: false,
            });
          const sectionEqs = [
            new Map<string, number>([['', 1], ...agencies.map((a): [string, number] => [a, -1])]),
          ];
          for (const scope of hiddenSections)
            expect(recoverableIn(sectionEqs, scope, hiddenSections)).toBe(false);
          // Nor, by subtraction, to an agency, which knows its own counts: no jurisdiction count
          // leaves it exactly one other agency's cell to solve for. (Combinations of a row's
          // identities with its own counts can still give an agency another's: not closed yet.)
          for (const insider of agencies) {
            for (const f of STATISTICS_FIELDS) {
              const unknown = ['', ...agencies].filter(
                (scope) => scope !== insider && hidden.includes(`${scope}/${f}`),
              );
              expect({ insider, f, unknown: unknown.length === 1 && unknown[0] !== '' }).toEqual({
                insider,
                f,
                unknown: false,
              });
            }
            const unknownSections = hiddenSections.filter((scope) => scope !== insider);
            expect(unknownSections.length === 1 && unknownSections[0] !== '').toBe(false);
          }
          withheldAcross +=
            hidden.filter((c) => !c.startsWith('/')).length > 0 && agencies.length > 1 ? 1 : 0;
        },
      ),
      {
        numRuns: 1000,
        seed: 2,
        // Found by this property: each identity alone kept two cells withheld, yet adding identities
        // of several scopes solved agency-2's pending.
        examples: [
          [
            {
              requestType: 'INFORMATION',
              rows: [
                { ...ZERO, received: 1, partiallyHonored: 1 },
                {
                  ...ZERO,
                  received: 6,
                  declined: 3,
                  partiallyHonored: 2,
                  pending: 1,
                  honoredUnderException: 1,
                },
                { ...ZERO, received: 2, declined: 1, pending: 1 },
              ],
            },
            [0, 0, 0],
            2,
          ],
        ],
      },
    );
    expect(withheldAcross).toBeGreaterThan(100);
  });

  it('leaves no withheld cell recoverable as a period’s count minus its other parts’', () => {
    // A year of two quarters of two months: the shape of a year's quarters and months, smaller.
    const parts: Record<string, string[]> = { Y: ['Q1', 'Q2'], Q1: ['M1', 'M2'], Q2: ['M3', 'M4'] };
    const months = ['M1', 'M2', 'M3', 'M4'];
    const periods = ['Y', 'Q1', 'Q2', ...months].map((label) => ({ label, parts: parts[label] ?? [] }));
    const monthsOf = (period: string): string[] =>
      parts[period] === undefined ? [period] : parts[period].flatMap(monthsOf);
    let partsOnly = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...REQUEST_TYPES),
        fc.integer({ min: 1, max: 2 }),
        fc.array(
          consistentRow.map(({ counts }) => counts),
          { minLength: 8, maxLength: 8 },
        ),
        fc.array(fc.nat(6), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 2, max: 8 }),
        (requestType, n, monthRows, monthSections, threshold) => {
          const agencies = ['a0', 'a1'].slice(0, n);
          const scopes = ['', ...agencies];
          // Each (month, agency) is drawn; every other slice is a sum of them.
          const drawn = <T>(of: T[], period: string, scope: string): T[] =>
            monthsOf(period).flatMap((m) =>
              (scope === '' ? agencies : [scope]).map((a) => of[months.indexOf(m) * 2 + agencies.indexOf(a)]),
            );
          const countsOf = (period: string, scope: string): StatisticsCounts =>
            Object.fromEntries(
              STATISTICS_FIELDS.map((f) => [
                f,
                drawn(monthRows, period, scope).reduce((sum, r) => sum + r[f], 0),
              ]),
            ) as StatisticsCounts;
          const sectionOf = (period: string, scope: string): number =>
            drawn(monthSections, period, scope).reduce((sum, k) => sum + k, 0);
          const decided = suppressTogether(
            periods,
            agencies,
            (period, scope, agency, type) =>
              agency === 'ICE' && type === requestType ? countsOf(period, scope) : ZERO,
            (period, scope) => ({ '2': sectionOf(period, scope) }),
            threshold,
          );
          type Cell = `${string}|${string}/${StatisticsField}`;
          const hidden: Cell[] = [];
          const hiddenSections: string[] = [];
          for (const { label } of periods) {
            for (const scope of scopes) {
              const { rows, sections } = decided(label, scope);
              const row = rows.find((r) => r.requestingAgency === 'ICE' && r.requestType === requestType)!;
              for (const f of STATISTICS_FIELDS) {
                if (row[f] === null) hidden.push(`${label}|${scope}/${f}`);
                else {
                  expect(row[f]).toBe(countsOf(label, scope)[f]);
                  expect(row[f] === 0 || row[f] >= threshold).toBe(true);
                }
              }
              if (sections.values['2'] === null) hiddenSections.push(`${label}|${scope}`);
              else expect(sections.values['2']).toBe(sectionOf(label, scope));
            }
          }
          // Each slice's row identities; each jurisdiction count the agencies' sum; each period's the parts'.
          const sums: [string, string[]][] = [
            ...periods.map(({ label }): [string, string[]] => [
              `${label}|`,
              agencies.map((a) => `${label}|${a}`),
            ]),
            ...periods
              .filter((p) => p.parts.length > 0)
              .flatMap(({ label, parts: of }) =>
                scopes.map((scope): [string, string[]] => [
                  `${label}|${scope}`,
                  of.map((q) => `${q}|${scope}`),
                ]),
              ),
          ];
          const eqs: Map<Cell, number>[] = [
            ...periods.flatMap(({ label }) =>
              scopes.flatMap((scope) =>
                baseEquations(requestType).map(
                  (eq) => new Map(Object.entries(eq).map(([f, k]) => [`${label}|${scope}/${f}` as Cell, k])),
                ),
              ),
            ),
            ...sums.flatMap(([total, of]) =>
              STATISTICS_FIELDS.map(
                (f) =>
                  new Map<Cell, number>([
                    [`${total}/${f}` as Cell, 1],
                    ...of.map((x): [Cell, number] => [`${x}/${f}` as Cell, -1]),
                  ]),
              ),
            ),
          ];
          expect([...fixedIn(eqs, hidden)]).toEqual([]);
          const sectionEqs = sums.map(
            ([total, of]) =>
              new Map<string, number>([[total, 1], ...of.map((x): [string, number] => [x, -1])]),
          );
          expect([...fixedIn(sectionEqs, hiddenSections)]).toEqual([]);
          // A month's cell withheld while the year's same cell is published: what differencing needs.
          if (hidden.some((c) => c.startsWith('M') && !hidden.includes(`Y${c.slice(2)}` as Cell)))
            partsOnly += 1;
        },
      ),
      { numRuns: 150, seed: 3 },
    );
    expect(partsOnly).toBeGreaterThan(50);
  });

  it('leaves no withheld section count recoverable over a whole year of three to five agencies', () => {
    // Sections are sums across scopes and across periods alone, so only more agencies over the whole
    // year's shape can join their identities into a system that fixes a cell the identities one by
    // one do not: what the sections' rank closure is for.
    const periods = periodsOfYear(2024);
    const months = periods.filter((p) => p.parts.length === 0).map((p) => p.label);
    const partsOf = new Map(periods.map(({ label, parts }) => [label, parts]));
    const monthsOf = (period: string): readonly string[] =>
      partsOf.get(period)!.length === 0 ? [period] : partsOf.get(period)!.flatMap(monthsOf);
    /** A month's counts, agency by agency (five places a month), mostly zero or small. */
    const monthDraws = fc.array(fc.oneof(fc.constant(0), fc.nat(3), fc.nat(12)), {
      minLength: 60,
      maxLength: 60,
    });
    /** Month draws with the given places non-zero. */
    const placed = (counts: Record<number, number>): number[] =>
      Array.from({ length: 60 }, (_, i) => counts[i] ?? 0);
    let withheld = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 5 }),
        monthDraws,
        fc.integer({ min: 2, max: 6 }),
        (n, draws, threshold) => {
          const agencies = Array.from({ length: n }, (_, i) => `a${i}`);
          const scopes = ['', ...agencies];
          const count = (period: string, scope: string): number =>
            monthsOf(period)
              .flatMap((m) =>
                (scope === '' ? agencies : [scope]).map(
                  (a) => draws[months.indexOf(m) * 5 + agencies.indexOf(a)],
                ),
              )
              .reduce((sum, k) => sum + k, 0);
          const decided = suppressTogether(
            periods,
            agencies,
            () => ZERO,
            (period, scope) => ({ '2': count(period, scope) }),
            threshold,
          );
          const hidden: string[] = [];
          for (const { label } of periods) {
            for (const scope of scopes) {
              const published = decided(label, scope).sections.values['2'];
              if (published === null) hidden.push(`${label}|${scope}`);
              else expect(published).toBe(count(label, scope));
            }
          }
          withheld += hidden.length;
          const sum = (total: string, of: string[]) =>
            new Map<string, number>([[total, 1], ...of.map((x): [string, number] => [x, -1])]);
          const eqs = [
            ...periods.map(({ label }) =>
              sum(
                `${label}|`,
                agencies.map((a) => `${label}|${a}`),
              ),
            ),
            ...periods
              .filter((p) => p.parts.length > 0)
              .flatMap(({ label, parts }) =>
                scopes.map((scope) =>
                  sum(
                    `${label}|${scope}`,
                    parts.map((q) => `${q}|${scope}`),
                  ),
                ),
              ),
          ];
          expect([...fixedIn(eqs, hidden)]).toEqual([]);
        },
      ),
      {
        numRuns: 300,
        seed: 4,
        // Found by this property with the sections' rank closure taken out: each identity kept
        // two or more counts withheld, yet together they fixed 2024-Q3 of a0, and January's total.
        examples: [
          [3, placed({ 21: 2, 25: 1, 26: 1, 30: 1, 36: 3, 37: 1, 40: 1 }), 2],
          [3, placed({ 0: 1, 1: 1, 7: 1, 12: 2, 17: 2, 35: 1, 36: 1, 37: 1 }), 2],
        ],
      },
    );
    expect(withheld).toBeGreaterThan(1000);
  });

  it('chooses the same complements over a year of three agencies as it always has, or more', () => {
    // Statistics of a period are served again and again; were a change of code to withhold other
    // complements over the same counts, the two answers together would reveal what each withheld.
    // The digest is of the answers the suppression gave before it listed identities by cell, then
    // since it also closes bounds (closeBounds), which withheld 7–11 more cells of each of six such
    // years and nothing fewer, then since no two agencies' cells of a jurisdiction count are left
    // withheld alone beside it (281 more row cells and 1 section count here, 1,228 → 1,509, none
    // published that was withheld), then since no row's withheld total is left equal to one of its
    // withheld parts by the row's own cells (closeEqualities: 1,375 more row cells, 1,509 → 2,884,
    // none published that was withheld): checked against the earlier code when the digest changed.
    let seed = 2024;
    const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const agencies = ['a', 'b', 'c'];
    const periods = periodsOfYear(2020);
    const partsOf = new Map(periods.map(({ label, parts }) => [label, parts]));
    const monthsOf = (period: string): readonly string[] =>
      partsOf.get(period)!.length === 0 ? [period] : partsOf.get(period)!.flatMap(monthsOf);
    const month = new Map<string, StatisticsCounts>();
    const monthSections = new Map<string, Record<string, number>>();
    for (const m of monthsOf('2020')) {
      for (const agency of agencies) {
        for (const federal of FEDERAL_AGENCIES) {
          for (const type of REQUEST_TYPES) {
            const [honored, declined, pending] = [next(4), next(9), next(2)];
            const received = honored + declined + pending;
            const due = NOTICE_REQUEST_TYPES.includes(type) ? received : 0;
            const noticesOnTime = next(due + 1);
            month.set(`${m}/${agency}/${federal}/${type}`, {
              ...ZERO,
              received,
              honored,
              declined,
              pending,
              honoredWithJudicialWarrant: next(honored + 1),
              transfersToFederalCustody: next(2),
              noticesOnTime,
              noticesLate: due - noticesOnTime,
            });
          }
        }
        monthSections.set(`${m}/${agency}`, { '2': next(3), '5': next(8) });
      }
    }
    const inScope = (scope: string) => (scope === '' ? agencies : [scope]);
    const decide = suppressTogether(
      periods,
      agencies,
      (period, scope, federal, type) => {
        const sum = { ...ZERO };
        for (const m of monthsOf(period))
          for (const agency of inScope(scope))
            for (const f of STATISTICS_FIELDS) sum[f] += month.get(`${m}/${agency}/${federal}/${type}`)![f];
        return sum;
      },
      (period, scope) => {
        const sum: Record<string, number> = { '2': 0, '5': 0 };
        for (const m of monthsOf(period))
          for (const agency of inScope(scope))
            for (const [k, n] of Object.entries(monthSections.get(`${m}/${agency}`)!)) sum[k] += n;
        return sum;
      },
      5,
    );
    const answers = periods.flatMap(({ label }) => ['', ...agencies].map((scope) => decide(label, scope)));
    const withheld = answers.flatMap((a) => a.rows.flatMap((r) => r.suppressed));
    expect(withheld.length).toBeGreaterThan(500);
    expect(createHash('sha256').update(JSON.stringify(answers)).digest('hex')).toBe(
      'd934c85f64890082b56b360523b3050fe8619a40620825ded16a7194a85eb573',
    );
  });

  it('withholds for bounds only beside what the exact closure withholds, never instead', () => {
    // Earlier answers over the same counts are public: the later must withhold all they did.
    const periods = periodsOfYear(2025);
    const partsOf = new Map(periods.map(({ label, parts }) => [label, parts]));
    const monthsOf = (period: string): readonly string[] =>
      partsOf.get(period)!.length === 0 ? [period] : partsOf.get(period)!.flatMap(monthsOf);
    let added = 0;
    fc.assert(
      fc.property(
        fc.array(fc.oneof(consistentRow, smallRow), { minLength: 24, maxLength: 24 }),
        fc.integer({ min: 2, max: 11 }),
        (draws, threshold) => {
          const agencies = ['a0', 'a1'];
          const row = (period: string, scope: string, federal: FederalAgency, type: RequestType) => {
            const sum = { ...ZERO };
            for (const m of monthsOf(period))
              for (const a of scope === '' ? agencies : [scope]) {
                const { counts, requestType } = draws[(Number(m.slice(5)) - 1) * 2 + agencies.indexOf(a)];
                if (federal === 'ICE' && type === requestType)
                  for (const f of STATISTICS_FIELDS) sum[f] += counts[f];
              }
            return sum;
          };
          const section = (period: string, scope: string) => ({
            '2': row(period, scope, 'ICE', 'DETAINER').honored,
          });
          const exactly = suppressTogether(periods, agencies, row, section, threshold, 'exactness');
          const decided = suppressTogether(periods, agencies, row, section, threshold);
          expect(newlyPublished(periods, agencies, exactly, decided)).toEqual([]);
          if (newlyPublished(periods, agencies, decided, exactly).length > 0) added += 1;
        },
      ),
      { numRuns: 60, seed: 5 },
    );
    expect(added).toBeGreaterThan(0);
  });

  it('leaves no withheld cell pinned by bounds over several identities, every withheld count being at least 1', () => {
    // An agency's § 2 violations a month, March, November and December 1 and withheld, January,
    // February and October 0: the first quarter is at least 1 and the fourth at least 2, and as the
    // year (13) less the second and third quarters (5 and 5), they add up to 3, so are 1 and 2.
    const periods = periodsOfYear(2025);
    const partsOf = new Map(periods.map(({ label, parts }) => [label, parts]));
    const monthsOf = (period: string): readonly string[] =>
      partsOf.get(period)!.length === 0 ? [period] : partsOf.get(period)!.flatMap(monthsOf);
    const byMonth: Record<string, number[]> = {
      a: [0, 0, 1, 5, 0, 0, 5, 0, 0, 0, 1, 1],
      b: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    };
    const section = (period: string, scope: string): Record<string, number> => ({
      '2': monthsOf(period)
        .flatMap((m) => (scope === '' ? ['a', 'b'] : [scope]).map((a) => byMonth[a][Number(m.slice(5)) - 1]))
        .reduce((sum, n) => sum + n, 0),
    });
    const exactly = suppressTogether(periods, ['a', 'b'], () => ZERO, section, 5, 'exactness');
    expect(['2025', '2025-Q2', '2025-Q3'].map((p) => exactly(p, 'a').sections.values['2'])).toEqual([
      13, 5, 5,
    ]);
    expect(pinnedCells(periods, ['a', 'b'], { row: () => ZERO, section }, exactly)).toContain('2025-03|a|§2');
    const decided = suppressTogether(periods, ['a', 'b'], () => ZERO, section, 5);
    expect(pinnedCells(periods, ['a', 'b'], { row: () => ZERO, section }, decided)).toEqual([]);
  });

  it('leaves no withheld cell of a small year pinned by bounds over all its identities', () => {
    // Months of two or three agencies, each with a few small rows and sections, mostly zero.
    const periods = periodsOfYear(2025);
    const partsOf = new Map(periods.map(({ label, parts }) => [label, parts]));
    const monthsOf = (period: string): readonly string[] =>
      partsOf.get(period)!.length === 0 ? [period] : partsOf.get(period)!.flatMap(monthsOf);
    let pinnedBefore = 0;
    fc.assert(
      fc.property(smallYear, fc.integer({ min: 2, max: 5 }), ([n, draws], threshold) => {
        const { agencies, truth } = smallYearTruth(monthsOf, n, draws);
        const decided = suppressTogether(periods, agencies, truth.row, truth.section, threshold);
        expect(pinnedCells(periods, agencies, truth, decided)).toEqual([]);
        // Without the bounds closure, one year in three or more has a pinned cell.
        const exactly = suppressTogether(periods, agencies, truth.row, truth.section, threshold, 'exactness');
        expect(newlyPublished(periods, agencies, exactly, decided)).toEqual([]);
        if (pinnedCells(periods, agencies, truth, exactly).length > 0) pinnedBefore += 1;
      }),
      { numRuns: 40, seed: 6 },
    );
    expect(pinnedBefore).toBeGreaterThan(10);
  });

  it('publishes no zeros beside a row’s withheld cells that tell what happened to all its requests', () => {
    // received, declined and noticesLate 1–4, the other outcomes and noticesOnTime 0: published,
    // those zeros told that every one of the requests was declined, with a late notice or none.
    const counts: StatisticsCounts = { ...ZERO, received: 3, declined: 3, noticesLate: 3 };
    const exactly = suppressTogether(
      ONE_PERIOD,
      [],
      (_, __, a, t) => (a === 'ICE' && t === 'DETAINER' ? counts : ZERO),
      () => ({}),
      5,
      'exactness',
    );
    const before = exactly('P', '').rows.find(
      (r) => r.requestingAgency === 'ICE' && r.requestType === 'DETAINER',
    )!;
    expect(before.suppressed).toEqual(['received', 'declined', 'noticesLate']);
    expect(equalPairsByRank(counts, before, 'DETAINER')).toEqual([
      'received = declined',
      'received = noticesLate',
    ]);
    const row = suppressRow('ICE', 'DETAINER', counts, 5);
    // honored first (the lowest zero of A); partiallyHonored beside it in B, where both are then
    // pinned at 0 (honoredWith… published 0), so pending too.
    expect(row.suppressed).toEqual([
      'received',
      'honored',
      'declined',
      'partiallyHonored',
      'pending',
      'noticesOnTime',
      'noticesLate',
    ]);
    expect(equalPairsByRank(counts, row, 'DETAINER')).toEqual([]);
    for (const f of row.suppressed) expect(recoverable(f, row.suppressed, 'DETAINER')).toBe(false);
  });

  it('leaves no withheld total of a row forced equal to a withheld part by its identities taken together', () => {
    let equalBefore = 0;
    fc.assert(
      fc.property(
        fc.oneof(smallRow, consistentRow),
        fc.integer({ min: 2, max: 11 }),
        ({ counts, requestType }, threshold) => {
          const row = suppressRow('ICE', requestType, counts, threshold);
          expect(equalPairsByRank(counts, row, requestType)).toEqual([]);
          for (const f of row.suppressed) expect(recoverable(f, row.suppressed, requestType)).toBe(false);
          const exactly = suppressTogether(
            ONE_PERIOD,
            [],
            (_, __, a, t) => (a === 'ICE' && t === requestType ? counts : ZERO),
            () => ({}),
            threshold,
            'exactness',
          )('P', '').rows.find((r) => r.requestingAgency === 'ICE' && r.requestType === requestType)!;
          expect(STATISTICS_FIELDS.filter((f) => exactly[f] === null && row[f] !== null)).toEqual([]);
          if (equalPairsByRank(counts, exactly, requestType).length > 0) equalBefore += 1;
        },
      ),
      { numRuns: 1000, seed: 7 },
    );
    // Without the closure of equalities, 27 rows of these.
    expect(equalBefore).toBeGreaterThan(20);
  });

  it('leaves no row of a small year with a withheld total equal to a withheld part, nor any cell pinned', () => {
    // As the small year above: every row of every period and scope, with the closures' fixed point
    // between the bounds over sums and the equalities within rows.
    const periods = periodsOfYear(2025);
    const partsOf = new Map(periods.map(({ label, parts }) => [label, parts]));
    const monthsOf = (period: string): readonly string[] =>
      partsOf.get(period)!.length === 0 ? [period] : partsOf.get(period)!.flatMap(monthsOf);
    let equalBefore = 0;
    fc.assert(
      fc.property(smallYear, fc.integer({ min: 2, max: 5 }), ([n, draws], threshold) => {
        const { agencies, truth } = smallYearTruth(monthsOf, n, draws);
        // Each published row of the year, as its own cells tell of it.
        const equalIn = (decide: typeof decided): string[] =>
          periods.flatMap(({ label }) =>
            ['', ...agencies].flatMap((scope) =>
              decide(label, scope).rows.flatMap((row) =>
                equalPairsByRank(
                  truth.row(label, scope, row.requestingAgency, row.requestType),
                  row,
                  row.requestType,
                ).map((pair) => `${label}|${scope}|${row.requestingAgency}/${row.requestType}: ${pair}`),
              ),
            ),
          );
        const decided = suppressTogether(periods, agencies, truth.row, truth.section, threshold);
        expect(equalIn(decided)).toEqual([]);
        expect(pinnedCells(periods, agencies, truth, decided)).toEqual([]);
        const exactly = suppressTogether(periods, agencies, truth.row, truth.section, threshold, 'exactness');
        expect(newlyPublished(periods, agencies, exactly, decided)).toEqual([]);
        if (equalIn(exactly).length > 0) equalBefore += 1;
      }),
      { numRuns: 15, seed: 8 },
    );
    // Without the closure of equalities, 8 of these 15 years have one.
    expect(equalBefore).toBeGreaterThan(6);
  });

  it('closes equalities only beside what the bounds alone withhold, never instead', () => {
    // Answers given before equalities were closed are public (a report published then keeps them):
    // over the same counts, a later answer that published a cell they withheld, and withheld one
    // they published instead, would tell with them what each withheld. Seeded years of one to three
    // agencies, a few requests of three kinds a month; closed together from the start, the bounds
    // and equalities published 7 cells of the first that the bounds alone withhold.
    const periods = periodsOfYear(2024);
    const partsOf = new Map(periods.map(({ label, parts }) => [label, parts]));
    const monthsOf = (period: string): readonly string[] =>
      partsOf.get(period)!.length === 0 ? [period] : partsOf.get(period)!.flatMap(monthsOf);
    let added = 0;
    for (let year = 1; year <= 10; year++) {
      let seed = year;
      const next = (n: number): number =>
        Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
      const agencies = Array.from({ length: 1 + next(3) }, (_, i) => `a${i}`);
      const month = new Map<string, StatisticsCounts>();
      for (const m of monthsOf('2024')) {
        for (const agency of agencies) {
          if (next(2) === 0) continue;
          for (const key of ['ICE/DETAINER', 'CBP/NOTIFICATION', 'ICE/INFORMATION']) {
            if (next(2) === 0) continue;
            const received = 1 + next(4);
            const honored = next(received + 1);
            const declined = next(received - honored + 1);
            const partiallyHonored = next(received - honored - declined + 1);
            const honoredWithJudicialWarrant = next(honored + partiallyHonored + 1);
            const honoredUnderException = next(honored + partiallyHonored - honoredWithJudicialWarrant + 1);
            const noticed = NOTICE_REQUEST_TYPES.includes(key.split('/')[1] as RequestType);
            const noticesOnTime = noticed ? next(received + 1) : 0;
            const transfersToFederalCustody = next(2);
            const notYetDue = noticed && next(3) === 0 ? Math.min(1, received - noticesOnTime) : 0;
            month.set(`${m}/${agency}/${key}`, {
              received,
              honored,
              declined,
              partiallyHonored,
              pending: received - honored - declined - partiallyHonored,
              honoredWithJudicialWarrant,
              honoredUnderException,
              transfersToFederalCustody,
              noticesOnTime,
              noticesLate: noticed ? received - noticesOnTime - notYetDue : 0,
            });
          }
        }
      }
      const row = (period: string, scope: string, federal: FederalAgency, type: RequestType) => {
        const sum = { ...ZERO };
        for (const m of monthsOf(period))
          for (const agency of scope === '' ? agencies : [scope]) {
            const counts = month.get(`${m}/${agency}/${federal}/${type}`);
            if (counts !== undefined) for (const f of STATISTICS_FIELDS) sum[f] += counts[f];
          }
        return sum;
      };
      const section = () => ({ '2': 0 });
      const bounded = suppressTogether(periods, agencies, row, section, 3, 'intervals');
      const decided = suppressTogether(periods, agencies, row, section, 3);
      expect(newlyPublished(periods, agencies, bounded, decided)).toEqual([]);
      if (newlyPublished(periods, agencies, decided, bounded).length > 0) added += 1;
    }
    expect(added).toBeGreaterThan(0);
  });

  it('looks again over a whole set of withheld cells at a cell that bounds near it take as freed', () => {
    // a (1) and b (1) are withheld, and a + b = 2 is published: each is pinned at 1. a is also
    // c − e + z1 (c = 5 and e = 4 published), where z1 ≤ z2 ≤ … ≤ zn ≤ 0 along a chain of withheld
    // zeros, each with a withheld zero y beside it, whose end is a published 0: so a ≤ 1 once more,
    // but only over the whole chain, longer than the NEAR_CELLS cells next to a that are looked at
    // once a + b is withheld. The whole set, looked at then, still pins a, so e is withheld too.
    const n = NEAR_CELLS + 1;
    const [a, b, sum, c, e, zero] = [0, 1, 2, 3, 4, 5];
    const z = (i: number): number => zero + i;
    const y = (i: number): number => zero + n + i;
    const counts = [1, 1, 2, 5, 4, ...new Array<number>(1 + 2 * n).fill(0)];
    const eq = (...terms: [number, number][]): Map<number, number> => new Map(terms);
    const list = [
      eq([a, 1], [b, 1], [sum, -1]),
      eq([a, 1], [z(1), -1], [c, -1], [e, 1]),
      ...Array.from({ length: n - 1 }, (_, k) => eq([z(k + 1), 1], [y(k + 1), 1], [z(k + 2), -1])),
      eq([z(n), 1], [y(n), 1], [zero, -1]),
    ];
    const block = counts.map((_, cell) => cell);
    const equations: Equations = {
      count: list.length,
      equation: (k) => list[k],
      containing: (cell) => list.flatMap((equation, k) => (equation.has(cell) ? [k] : [])),
    };
    const hidden = block.map((cell) => cell === a || cell === b || cell > zero);
    expect(closeIntervals(counts, hidden, block, equations)).toEqual([sum, e]);
    // Looked at afresh, nothing withheld is pinned.
    expect(closeIntervals(counts, [...hidden], block, equations)).toEqual([]);
  });

  it('publishes everything when threshold is 1', () => {
    const one = { count: 1, cellsOf: () => [0, 1], containing: () => [0] };
    expect(withheldCells([1, 2], 1, one)).toEqual([false, false]);
    expect(withheldCells([1, 2], 2, one)).toEqual([true, true]);
  });
});
