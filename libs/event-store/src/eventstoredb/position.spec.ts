import fc from 'fast-check';
import { comparePosition, decodePosition, encodePosition } from './position';

const MAX_U64 = 2n ** 64n - 1n;
const part = fc.bigInt({ min: 0n, max: MAX_U64 });
// Small values too, so that equal commits (events of one multi-event append) come up often.
const position = fc.record({
  commit: fc.oneof(part, fc.bigInt({ min: 0n, max: 3n })),
  prepare: fc.oneof(part, fc.bigInt({ min: 0n, max: 3n })),
});

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

describe('EventStoreDB $all positions as opaque strings', () => {
  it('decodes what it encodes', () => {
    fc.assert(fc.property(position, (p) => expect(decodePosition(encodePosition(p))).toEqual(p)));
  });

  it('orders by commit position, then prepare position', () => {
    expect(comparePosition({ commit: 10n, prepare: 99n }, { commit: 11n, prepare: 0n })).toBeLessThan(0);
    expect(comparePosition({ commit: 11n, prepare: 5n }, { commit: 11n, prepare: 4n })).toBeGreaterThan(0);
    expect(comparePosition({ commit: 7n, prepare: 7n }, { commit: 7n, prepare: 7n })).toBe(0);
    fc.assert(
      fc.property(position, position, (a, b) => {
        const expected =
          a.commit !== b.commit ? sign(Number(a.commit - b.commit)) : sign(Number(a.prepare - b.prepare));
        expect(sign(comparePosition(a, b))).toBe(expected);
      }),
    );
  });

  it('sorts as text in the same order as the positions', () => {
    fc.assert(
      fc.property(position, position, (a, b) => {
        const [x, y] = [encodePosition(a), encodePosition(b)];
        const textual = x < y ? -1 : x > y ? 1 : 0;
        expect(textual).toBe(sign(comparePosition(a, b)));
      }),
    );
  });

  it('is antisymmetric and transitive', () => {
    expect(comparePosition({ commit: 3n, prepare: 1n }, { commit: 3n, prepare: 1n })).toBe(0);
    fc.assert(
      fc.property(position, position, position, (a, b, c) => {
        expect(sign(comparePosition(a, b)) + sign(comparePosition(b, a))).toBe(0);
        if (comparePosition(a, b) <= 0 && comparePosition(b, c) <= 0)
          expect(comparePosition(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it('rejects what it did not encode', () => {
    for (const bad of [
      '',
      '42',
      '1/2',
      `${'0'.repeat(20)}/${'0'.repeat(19)}`,
      `${'0'.repeat(20)}-${'0'.repeat(20)}`,
      7,
      null,
    ]) {
      expect(() => decodePosition(bad)).toThrow('not a position of the EventStoreDB store');
    }
    fc.assert(
      fc.property(fc.string(), (text) => {
        fc.pre(!/^\d{20}\/\d{20}$/.test(text));
        expect(() => decodePosition(text)).toThrow();
      }),
    );
  });

  it('refuses values outside an unsigned 64-bit log position', () => {
    expect(() => encodePosition({ commit: -1n, prepare: 0n })).toThrow(RangeError);
    expect(() => encodePosition({ commit: 0n, prepare: 10n ** 20n })).toThrow(RangeError);
    expect(encodePosition({ commit: MAX_U64, prepare: 0n })).toBe(`${MAX_U64}/${'0'.repeat(20)}`);
  });
});
