import { calendarDateIn, epochMsOf, isBefore } from '../shared/date-time';
import { remembered } from '../shared/remembered';

/**
 * What the case rules need on top of shared/date-time: date-times moved by minutes, and calendar
 * dates as `YYYY-MM-DD` text, the form convictions are recorded in.
 */

/** The later of two date-times, keeping the caller's original text. */
export function later(a: string | null, b: string): string {
  return a !== null && !isBefore(a, b) ? a : b;
}

/** Remembered for the reason epochMsOf is: formatting a date-time costs a microsecond. */
export const plusMinutes: (isoDateTime: string, minutes: number) => string = remembered(
  10_000,
  (isoDateTime: string, minutes: number) => new Date(epochMsOf(isoDateTime) + minutes * 60_000).toISOString(),
  (isoDateTime, minutes) => `${isoDateTime} ${minutes}`,
);

/** The calendar date of an instant in the ordinance's time zone: a decision's "date". */
export function dateIn(isoDateTime: string, timeZone: string): string {
  const { year, month, day } = calendarDateIn(epochMsOf(isoDateTime), timeZone);
  return ymd(year, month, day);
}

/**
 * `date` plus whole calendar years. 29 February becomes 28 February in a common year: the earlier
 * day, so that a window measured in years never grows past what the ordinance allows.
 */
export function plusCalendarYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const year = y + years;
  return ymd(year, m, m === 2 && d === 29 && !isLeapYear(year) ? 28 : d);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function ymd(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
