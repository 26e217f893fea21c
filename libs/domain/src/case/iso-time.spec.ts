import { plusMinutes } from './iso-time';

describe('plusMinutes', () => {
  it('adds minutes to an instant and answers in UTC, whatever offset it was written with', () => {
    expect(plusMinutes('2024-03-01T10:00:00Z', 90)).toBe('2024-03-01T11:30:00.000Z');
    expect(plusMinutes('2024-03-01T10:00:00-05:00', 24 * 60)).toBe('2024-03-02T15:00:00.000Z');
    expect(plusMinutes('2024-03-01T00:10:00Z', -20)).toBe('2024-02-29T23:50:00.000Z');
  });

  it('gives the same sums however many others came between', () => {
    const first = plusMinutes('2024-03-01T10:00:00Z', 48 * 60);
    for (let i = 0; i < 12_000; i++) {
      const start = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
      expect(plusMinutes(start, 30)).toBe(new Date(Date.UTC(2024, 0, 1) + (i + 30) * 60_000).toISOString());
    }
    expect(plusMinutes('2024-03-01T10:00:00Z', 48 * 60)).toBe(first);
    expect(first).toBe('2024-03-03T10:00:00.000Z');
  });

  it('refuses text that names no instant', () => {
    expect(() => plusMinutes('not a time', 5)).toThrow(RangeError);
  });
});
