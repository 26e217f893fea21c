import fc from 'fast-check';
import { REQUEST_TYPES, type RequestType } from '@trust-ledger/domain';
import {
  NOTICE_REQUEST_TYPES,
  STATISTICS_FIELDS,
  type StatisticsCounts,
  type StatisticsField,
  suppressRow,
  suppressSections,
} from './statistics-row';
import { suppressCells } from './suppression';

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
function recoverable(cell: StatisticsField, hidden: StatisticsField[], requestType: RequestType): boolean {
  const eqs = baseEquations(requestType);
  const matrix = (cols: StatisticsField[]) => eqs.map((eq) => cols.map((c) => eq[c] ?? 0));
  return rank(matrix(hidden)) > rank(matrix(hidden.filter((c) => c !== cell)));
}

/** A consistent row: every identity holds, with small counts so that small cells are common. */
const consistentRow = fc
  .record({
    honored: fc.nat(12),
    declined: fc.nat(30),
    partiallyHonored: fc.nat(8),
    pending: fc.nat(10),
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
      { numRuns: 1000 },
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
    expect(suppressSections({ '1': 0, '2': 7, '3': 1, '5': 4 }, 5)).toEqual({
      values: { '1': 0, '2': 7, '3': null, '5': null },
      suppressed: ['3', '5'],
    });
  });

  it('publishes everything when threshold is 1', () => {
    expect(suppressCells({ a: 1, b: 2 }, ['a', 'b'], 1, [['a', 'b']])).toEqual({
      values: { a: 1, b: 2 },
      suppressed: [],
    });
  });
});
