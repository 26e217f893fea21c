import {
  calendarDateIn,
  epochMsOf,
  isIsoDate,
  isIsoDateTime,
  isTimeZone,
  plusDays,
  startOfDayIn,
} from './date-time';

const startOf = (year: number, month: number, day: number, zone: string): string =>
  new Date(startOfDayIn({ year, month, day }, zone)).toISOString();

describe('isIsoDateTime', () => {
  it.each([
    '2024-06-15T10:00:00Z',
    '2024-06-15T10:00Z',
    '2024-06-15T10:00:00.123456+05:30',
    '2024-02-29T23:59:59-12:00',
    '2024-02-29T23:59:59+14:00',
    '0001-01-01T00:00:00Z',
    '9999-12-31T23:59:59.999Z',
    '9999-12-31T23:59:59+01:00',
  ])('accepts %s', (v) => expect(isIsoDateTime(v)).toBe(true));
  it.each([
    '2024-06-15T10:00:00',
    '2024-06-15',
    '2023-02-29T00:00:00Z',
    '2024-06-15T24:00:00Z',
    '2024-06-15T10:60:00Z',
    '2024-06-15T10:00:60Z',
    '2024-06-15T10:00:00+24:00',
    '2024-06-15t10:00:00z',
    // ISO 8601 allows offsets to 23:59, but no place keeps one beyond -12:00 or +14:00.
    '2024-02-29T23:59:59-23:59',
    '2024-06-15T10:00:00-12:01',
    '2024-06-15T10:00:00+14:01',
    '2024-06-15T10:00:00+05:60',
    // Instants outside years 0001-9999 UTC, which no four-digit year can write back.
    '9999-12-31T23:00:00-05:00',
    '0001-01-01T00:30:00+01:00',
    '0000-06-15T10:00:00Z',
  ])('rejects %s', (v) => expect(isIsoDateTime(v)).toBe(false));
});

describe('isIsoDate', () => {
  it('accepts real dates only', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2024-2-1')).toBe(false);
    expect(isIsoDate('0001-01-01')).toBe(true);
    expect(isIsoDate('0000-01-01')).toBe(false);
  });
});

describe('isTimeZone', () => {
  it('knows the tz database and nothing else', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('America/Gotham')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('calendar days in a zone', () => {
  it('puts an instant on the zone’s date, not UTC’s', () => {
    expect(calendarDateIn(Date.parse('2026-01-01T04:59:59.999Z'), 'America/New_York')).toEqual({
      year: 2025,
      month: 12,
      day: 31,
    });
    expect(calendarDateIn(Date.parse('2026-01-01T05:00:00Z'), 'America/New_York')).toEqual({
      year: 2026,
      month: 1,
      day: 1,
    });
  });

  it('rolls days over months, leap years and years', () => {
    expect(plusDays({ year: 2024, month: 2, day: 28 }, 1)).toEqual({ year: 2024, month: 2, day: 29 });
    expect(plusDays({ year: 2024, month: 12, day: 31 }, 1)).toEqual({ year: 2025, month: 1, day: 1 });
    expect(plusDays({ year: 2025, month: 1, day: 1 }, -1)).toEqual({ year: 2024, month: 12, day: 31 });
  });

  it('starts New York days at local midnight on either side of daylight-saving changes', () => {
    expect(startOf(2026, 3, 8, 'America/New_York')).toBe('2026-03-08T05:00:00.000Z'); // EST
    expect(startOf(2026, 3, 9, 'America/New_York')).toBe('2026-03-09T04:00:00.000Z'); // EDT
    expect(startOf(2026, 11, 1, 'America/New_York')).toBe('2026-11-01T04:00:00.000Z'); // EDT
    expect(startOf(2026, 11, 2, 'America/New_York')).toBe('2026-11-02T05:00:00.000Z'); // EST
  });

  it('starts a day whose midnight the clocks skip at the jump (Santiago, 4 September 2022)', () => {
    expect(startOf(2022, 9, 4, 'America/Santiago')).toBe('2022-09-04T04:00:00.000Z');
  });

  it('starts a day after clocks fall back at midnight at the one midnight (Santiago, 3 April 2022)', () => {
    expect(startOf(2022, 4, 3, 'America/Santiago')).toBe('2022-04-03T04:00:00.000Z');
  });

  it('handles zones off the hour and UTC itself', () => {
    expect(startOf(2026, 1, 1, 'Asia/Kolkata')).toBe('2025-12-31T18:30:00.000Z');
    expect(startOf(2026, 1, 1, 'UTC')).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('epochMsOf', () => {
  it('is Date.parse, for valid and invalid text alike, however many times were parsed before', () => {
    const times = Array.from({ length: 12_000 }, (_, i) =>
      new Date(Date.UTC(2024, 0, 1) + i * 61_001).toISOString(),
    );
    for (const t of [...times, ...times.slice(0, 100)]) expect(epochMsOf(t)).toBe(Date.parse(t));
    expect(epochMsOf('2024-06-15T10:00:00+02:00')).toBe(Date.UTC(2024, 5, 15, 8));
    expect(epochMsOf('not a time')).toBeNaN();
  });
});
