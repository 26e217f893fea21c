import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { csvField, toCsv } from './csv';

describe('CSV (RFC 4180)', () => {
  it('quotes only fields that need it, doubling quotes; null is an empty field', () => {
    expect(csvField('ICE')).toBe('ICE');
    expect(csvField(12)).toBe('12');
    expect(csvField(null)).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(
      toCsv([
        ['h1', 'h2'],
        ['x', null],
      ]),
    ).toBe('h1,h2\r\nx,\r\n');
  });

  it('round-trips through a conforming parser', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
        (raw) => {
          const width = raw[0].length;
          const rows = raw.map((r) => Array.from({ length: width }, (_, i) => r[i] ?? ''));
          expect(parse(toCsv(rows), { relax_column_count: false })).toEqual(rows);
        },
      ),
    );
  });
});
