import { ordinanceVersion } from '../../testing/ordinance-builders';
import { certificationDeadline } from './certification.deadline';

describe('certificationDeadline', () => {
  const utc = ordinanceVersion();

  it('ends with the 90th calendar day after the day of the request', () => {
    // 10 January 2024 + 90 days is 9 April (a leap year): a decision any time that day is in time.
    expect(certificationDeadline('2024-01-10T09:00:00Z', false, utc)).toBe('2024-04-10T00:00:00.000Z');
    expect(certificationDeadline('2024-01-10T23:59:59Z', false, utc)).toBe('2024-04-10T00:00:00.000Z');
    expect(certificationDeadline('2024-01-10T00:00:00Z', false, utc)).toBe('2024-04-10T00:00:00.000Z');
  });

  it('ends with the 14th day for someone in removal proceedings', () => {
    expect(certificationDeadline('2024-01-10T09:00:00Z', true, utc)).toBe('2024-01-25T00:00:00.000Z');
  });

  it('follows the version’s own numbers of days', () => {
    const v = ordinanceVersion({ certificationDeadlineDays: 30, certificationExpeditedDays: 7 });
    expect(certificationDeadline('2024-01-10T09:00:00Z', false, v)).toBe('2024-02-10T00:00:00.000Z');
    expect(certificationDeadline('2024-01-10T09:00:00Z', true, v)).toBe('2024-01-18T00:00:00.000Z');
  });

  it('counts days in the ordinance’s time zone, across a daylight-saving change', () => {
    const newYork = ordinanceVersion({ timeZone: 'America/New_York' });
    // 23:30 on 1 March in New York is already 2 March in UTC; day 14 is 15 March, after clocks sprang forward.
    expect(certificationDeadline('2024-03-01T23:30:00-05:00', true, newYork)).toBe(
      '2024-03-16T04:00:00.000Z',
    );
    // Day 90 from 1 September is 30 November, after clocks fell back.
    expect(certificationDeadline('2024-09-01T12:00:00-04:00', false, newYork)).toBe(
      '2024-12-01T05:00:00.000Z',
    );
  });
});
