import { randomBytes } from 'node:crypto';
import { OpaquePositions } from '@trust-ledger/privacy';

describe('opaque log positions', () => {
  const positions = new OpaquePositions(randomBytes(32));

  it('opens what it sealed, for the embedded store’s and EventStoreDB’s positions', () => {
    for (const position of ['0', '1', '41', '9007199254740991', '18446744073709551615/18446744073709551615']) {
      expect(positions.open(positions.seal(position))).toBe(position);
    }
  });

  it('reads one position the same every time, and two positions differently', () => {
    expect(positions.seal('42')).toBe(positions.seal('42'));
    expect(positions.seal('42')).not.toBe(positions.seal('43'));
  });

  it('tells nothing of a position’s size: every sealed position is as long as any other', () => {
    const lengths = new Set(['1', '12345', '9007199254740991', '1/2'].map((p) => positions.seal(p).length));
    expect(lengths.size).toBe(1);
  });

  it('opens nothing it did not seal: a plain position, a changed one, another key’s, text', () => {
    const sealed = positions.seal('42');
    const flipped = Buffer.from(sealed, 'base64url');
    flipped[flipped.length - 1] ^= 1;
    const other = new OpaquePositions(randomBytes(32)).seal('42');
    for (const text of ['42', flipped.toString('base64url'), other, `${sealed}A`, '', 'not a position']) {
      expect(positions.open(text)).toBeNull();
    }
  });

  it('tells apart two states read at one position, and still opens the position', () => {
    const one = positions.sealWithState('42', '{"received":3}');
    const other = positions.sealWithState('42', '{"received":4}');
    expect(one).toBe(positions.sealWithState('42', '{"received":3}'));
    expect(one).not.toBe(other);
    expect(one.startsWith(`${positions.seal('42')}.`)).toBe(true);
    expect(positions.sealWithState('43', '{"received":3}')).not.toBe(one);
    for (const sealed of [one, other, positions.seal('42')]) expect(positions.openWithState(sealed)).toBe('42');
    // A position with a state is no bare position, and only a digest's one spelling follows it.
    expect(positions.open(one)).toBeNull();
    for (const text of [`${one}A`, `${positions.seal('42')}.`, `42.${one.split('.')[1]}`, `${one}.x`]) {
      expect(positions.openWithState(text)).toBeNull();
    }
  });

  it('is opened by another instance under the same master key', () => {
    const key = randomBytes(32);
    expect(new OpaquePositions(key).open(new OpaquePositions(key).seal('7'))).toBe('7');
  });
});
