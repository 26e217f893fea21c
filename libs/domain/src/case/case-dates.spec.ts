import { dateIn, plusCalendarYears } from './iso-time';
import { sameLanguage } from './language';

describe('case dates', () => {
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

describe('languages', () => {
  it('are compared by primary subtag, case-insensitively', () => {
    expect(sameLanguage('es-MX', 'ES')).toBe(true);
    expect(sameLanguage('es', 'en')).toBe(false);
  });
});
