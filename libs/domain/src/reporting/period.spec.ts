import fc from 'fast-check';
import {
  parsePeriod,
  periodBounds,
  periodHasEnded,
  periodOf,
  PERIOD_GRANULARITIES,
  type Period,
} from './period';

const NY = 'America/New_York';
const period = (label: string): Period => {
  const p = parsePeriod(label);
  if (!p) throw new Error(`not a period: ${label}`);
  return p;
};

describe('parsePeriod', () => {
  it.each<[string, Omit<Period, 'label'>]>([
    ['2024', { granularity: 'YEAR', year: 2024, firstMonth: 1, months: 12 }],
    ['2024-Q1', { granularity: 'QUARTER', year: 2024, firstMonth: 1, months: 3 }],
    ['2024-Q4', { granularity: 'QUARTER', year: 2024, firstMonth: 10, months: 3 }],
    ['2024-07', { granularity: 'MONTH', year: 2024, firstMonth: 7, months: 1 }],
    ['2024-12', { granularity: 'MONTH', year: 2024, firstMonth: 12, months: 1 }],
  ])('reads %s', (label, rest) => {
    expect(parsePeriod(label)).toEqual({ label, ...rest });
  });

  it.each([
    '24',
    '2024-Q0',
    '2024-Q5',
    '2024-q1',
    '2024-00',
    '2024-13',
    '2024-7',
    ' 2024',
    '2024-',
    '2024-W01',
    '0000',
    '0000-Q1',
    '',
  ])('refuses %j', (label) => {
    expect(parsePeriod(label)).toBeNull();
  });
});

describe('periodBounds in America/New_York', () => {
  it.each<[string, string, string]>([
    ['2024', '2024-01-01T05:00:00.000Z', '2025-01-01T05:00:00.000Z'],
    // Clocks spring forward on 10 March: the quarter starts on EST and ends on EDT.
    ['2024-Q1', '2024-01-01T05:00:00.000Z', '2024-04-01T04:00:00.000Z'],
    ['2024-03', '2024-03-01T05:00:00.000Z', '2024-04-01T04:00:00.000Z'],
    ['2024-Q3', '2024-07-01T04:00:00.000Z', '2024-10-01T04:00:00.000Z'],
    // Clocks fall back on 3 November: the quarter starts on EDT and ends, at the year's end, on EST.
    ['2024-Q4', '2024-10-01T04:00:00.000Z', '2025-01-01T05:00:00.000Z'],
    ['2024-11', '2024-11-01T04:00:00.000Z', '2024-12-01T05:00:00.000Z'],
    ['2024-12', '2024-12-01T05:00:00.000Z', '2025-01-01T05:00:00.000Z'],
  ])('%s runs from %s to %s', (label, start, end) => {
    expect(periodBounds(period(label), NY)).toEqual({ start, end });
  });

  it('in UTC, runs from midnight to midnight', () => {
    expect(periodBounds(period('2024-Q2'), 'UTC')).toEqual({
      start: '2024-04-01T00:00:00.000Z',
      end: '2024-07-01T00:00:00.000Z',
    });
  });
});

describe('periodOf', () => {
  it.each<[string, string, string, string]>([
    // The year turns at New York's midnight, five hours after UTC's.
    ['2025-01-01T04:59:59.999Z', '2024', '2024-Q4', '2024-12'],
    ['2025-01-01T05:00:00Z', '2025', '2025-Q1', '2025-01'],
    ['2024-03-31T23:59:59-04:00', '2024', '2024-Q1', '2024-03'],
    ['2024-04-01T00:00:00-04:00', '2024', '2024-Q2', '2024-04'],
    // 01:30 happens twice on 3 November; both are in November.
    ['2024-11-03T01:30:00-04:00', '2024', '2024-Q4', '2024-11'],
    ['2024-11-03T01:30:00-05:00', '2024', '2024-Q4', '2024-11'],
    ['2024-10-31T23:30:00-04:00', '2024', '2024-Q4', '2024-10'],
  ])('puts %s in %s, %s and %s', (instant, year, quarter, month) => {
    expect(periodOf(instant, 'YEAR', NY).label).toBe(year);
    expect(periodOf(instant, 'QUARTER', NY).label).toBe(quarter);
    expect(periodOf(instant, 'MONTH', NY).label).toBe(month);
  });

  it('agrees with periodBounds for any instant, zone and granularity', () => {
    const zones = [
      'America/New_York',
      'UTC',
      'Asia/Kolkata',
      'Australia/Lord_Howe',
      'America/Santiago',
      'Pacific/Chatham',
    ];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('1990-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') }),
        fc.constantFrom(...zones),
        fc.constantFrom(...PERIOD_GRANULARITIES),
        (t, zone, granularity) => {
          const instant = new Date(t).toISOString();
          const p = periodOf(instant, granularity, zone);
          const { start, end } = periodBounds(p, zone);
          expect(Date.parse(start)).toBeLessThanOrEqual(t);
          expect(Date.parse(end)).toBeGreaterThan(t);
          expect(parsePeriod(p.label)).toEqual(p);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('periodHasEnded', () => {
  it('ends a New York quarter at New York’s midnight', () => {
    expect(periodHasEnded(period('2024-Q4'), '2025-01-01T04:59:59.999Z', NY)).toBe(false);
    expect(periodHasEnded(period('2024-Q4'), '2025-01-01T05:00:00Z', NY)).toBe(true);
    expect(periodHasEnded(period('2024-Q4'), '2025-01-01T00:00:00Z', 'UTC')).toBe(true);
  });

  it('has not ended while the period runs', () => {
    expect(periodHasEnded(period('2024'), '2024-06-30T12:00:00Z', NY)).toBe(false);
  });
});
