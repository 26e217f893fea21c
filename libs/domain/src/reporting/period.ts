import { calendarDateIn, startOfDayIn } from '../shared/date-time';

/**
 * Reporting periods (§ 11): a year `YYYY`, a quarter `YYYY-Qn` or a month `YYYY-MM`, as calendar
 * periods of the ordinance's time zone. A period runs from the first instant of its first day to
 * the first instant of the day after its last, so daylight-saving changes fall where the zone puts them.
 */

export const PERIOD_GRANULARITIES = ['YEAR', 'QUARTER', 'MONTH'] as const;
export type PeriodGranularity = (typeof PERIOD_GRANULARITIES)[number];

export interface Period {
  /** The canonical label: `2024`, `2024-Q3`, `2024-07`. */
  label: string;
  granularity: PeriodGranularity;
  year: number;
  /** 1–12 */
  firstMonth: number;
  months: 12 | 3 | 1;
}

const LABEL = /^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$/;

/** The period a label names, or `null` when it names none. */
export function parsePeriod(label: string): Period | null {
  const m = LABEL.exec(label);
  if (!m) return null;
  const year = Number(m[1]);
  if (year === 0) return null; // ISO 8601's year 0000 is 1 BC, before any calendar the ordinance counts in
  if (m[2] !== undefined) return periodAt(year, (Number(m[2]) - 1) * 3 + 1, 'QUARTER');
  if (m[3] !== undefined) return periodAt(year, Number(m[3]), 'MONTH');
  return periodAt(year, 1, 'YEAR');
}

/** The period of `granularity` in which an instant falls, on the calendar of `timeZone`. */
export function periodOf(instant: string, granularity: PeriodGranularity, timeZone: string): Period {
  const { year, month } = calendarDateIn(Date.parse(instant), timeZone);
  return periodAt(year, month, granularity);
}

/** The period's instants, `[start, end)`, in `timeZone`. */
export function periodBounds(period: Period, timeZone: string): { start: string; end: string } {
  const { year, firstMonth, months } = period;
  const next = firstMonth + months;
  const start = startOfDayIn({ year, month: firstMonth, day: 1 }, timeZone);
  const end = startOfDayIn(
    { year: year + Math.floor((next - 1) / 12), month: ((next - 1) % 12) + 1, day: 1 },
    timeZone,
  );
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

export function periodHasEnded(period: Period, now: string, timeZone: string): boolean {
  return Date.parse(now) >= Date.parse(periodBounds(period, timeZone).end);
}

/** The period of `granularity` that contains the given month. */
function periodAt(year: number, month: number, granularity: PeriodGranularity): Period {
  const y = String(year).padStart(4, '0');
  switch (granularity) {
    case 'YEAR':
      return { label: y, granularity, year, firstMonth: 1, months: 12 };
    case 'QUARTER': {
      const quarter = Math.floor((month - 1) / 3) + 1;
      return { label: `${y}-Q${quarter}`, granularity, year, firstMonth: (quarter - 1) * 3 + 1, months: 3 };
    }
    case 'MONTH':
      return {
        label: `${y}-${String(month).padStart(2, '0')}`,
        granularity,
        year,
        firstMonth: month,
        months: 1,
      };
  }
}
