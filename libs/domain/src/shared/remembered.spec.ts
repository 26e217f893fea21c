import { remembered } from './remembered';

describe('remembered', () => {
  it('computes once per key until the limit is reached, then starts over', () => {
    const calls: string[] = [];
    const upper = remembered(2, (s: string) => {
      calls.push(s);
      return s.toUpperCase();
    });
    expect([upper('a'), upper('a'), upper('b'), upper('a')]).toEqual(['A', 'A', 'B', 'A']);
    expect(calls).toEqual(['a', 'b']);
    expect(upper('c')).toBe('C'); // full: everything forgotten, 'c' remembered
    expect(upper('a')).toBe('A');
    expect(calls).toEqual(['a', 'b', 'c', 'a']);
  });

  it('keys several arguments together', () => {
    let calls = 0;
    const sum = remembered(
      10,
      (a: number, b: number) => (calls++, a + b),
      (a, b) => `${a} ${b}`,
    );
    expect([sum(1, 2), sum(1, 2), sum(2, 1), sum(12, 3)]).toEqual([3, 3, 3, 15]);
    expect(calls).toBe(3);
  });
});
