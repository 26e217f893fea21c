import { dateIn, isBefore, isIsoDate, isIsoDateTime, plusCalendarYears } from './iso-time';
import { isLanguageTag, sameLanguage } from './language';

describe('ISO times', () => {
  it.each([
    '2024-06-15T10:00:00Z',
    '2024-06-15T10:00Z',
    '2024-06-15T10:00:00.123456+02:00',
    '2024-02-29T23:59:59-05:30',
  ])('accepts the date-time %s', (value) => expect(isIsoDateTime(value)).toBe(true));

  it.each([
    '2024-06-15T10:00:00',
    '2023-02-29T10:00:00Z',
    '2024-06-15T24:00:00Z',
    '2024-06-15T10:60:00Z',
    '2024-06-15t10:00:00z',
    '2024-06-15',
  ])('refuses the date-time %s', (value) => expect(isIsoDateTime(value)).toBe(false));

  it('accepts real calendar dates only', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2024-6-1')).toBe(false);
  });

  it('compares instants, not text', () => {
    expect(isBefore('2024-06-15T11:30:00+02:00', '2024-06-15T10:00:00Z')).toBe(true);
  });

  it('adds calendar years, turning 29 February into 28 February in a common year', () => {
    expect(plusCalendarYears('2019-06-14', 5)).toBe('2024-06-14');
    expect(plusCalendarYears('2020-02-29', 5)).toBe('2025-02-28');
    expect(plusCalendarYears('2020-02-29', 4)).toBe('2024-02-29');
  });

  it("gives an instant's date in a time zone", () => {
    expect(dateIn('2024-06-16T03:00:00Z', 'UTC')).toBe('2024-06-16');
    expect(dateIn('2024-06-16T03:00:00Z', 'America/Los_Angeles')).toBe('2024-06-15');
  });
});

describe('language tags', () => {
  it('accepts BCP 47 tags and compares them by primary subtag, case-insensitively', () => {
    expect(isLanguageTag('es-MX')).toBe(true);
    expect(isLanguageTag('zh-Hant-TW')).toBe(true);
    expect(isLanguageTag('en_US')).toBe(false);
    expect(sameLanguage('es-MX', 'ES')).toBe(true);
    expect(sameLanguage('es', 'en')).toBe(false);
  });
});
