/**
 * Times on the wire are ISO 8601 strings with an offset, so two of them are compared as instants,
 * never as text (`…T10:00:00+02:00` is before `…T09:00:00Z`).
 */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** A date-time with an offset that names a real calendar moment (`Date.parse` accepts 30 February). */
export function isIsoDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi, s = '0', oh = '0', om = '0'] = m;
  return (
    isCalendarDate(Number(y), Number(mo), Number(d)) &&
    Number(h) <= 23 &&
    Number(mi) <= 59 &&
    Number(s) <= 59 &&
    Number(oh) <= 23 &&
    Number(om) <= 59
  );
}

/** A calendar date `YYYY-MM-DD` (dates of birth, convictions). */
export function isIsoDate(value: string): boolean {
  const m = DATE.exec(value);
  return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

export function instant(isoDateTime: string): number {
  return Date.parse(isoDateTime);
}

export function isBefore(a: string, b: string): boolean {
  return instant(a) < instant(b);
}

/** The later of two date-times, keeping the caller's original text. */
export function later(a: string | null, b: string): string {
  return a !== null && !isBefore(a, b) ? a : b;
}

export function plusMinutes(isoDateTime: string, minutes: number): string {
  return new Date(instant(isoDateTime) + minutes * 60_000).toISOString();
}

/** The calendar date of an instant in the ordinance's time zone: a decision's "date". */
export function dateIn(isoDateTime: string, timeZone: string): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant(isoDateTime));
}

/**
 * `date` plus whole calendar years. 29 February becomes 28 February in a common year: the earlier
 * day, so that a window measured in years never grows past what the ordinance allows.
 */
export function plusCalendarYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const year = y + years;
  const day = Math.min(d, daysInMonth(year, m));
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
