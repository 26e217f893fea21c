import { scanJson } from '../../apps/api/src/security/json-scan';

/** The scan before JSON.parse: depth from brackets outside strings only. */

const nested = (depth: number) => `${'{"a":['.repeat(depth / 2)}1${']}'.repeat(depth / 2)}`;

describe('scanJson depth', () => {
  it('takes up to the bound and refuses past it, counting the top container as 1', () => {
    expect(scanJson(nested(32), 32)).toEqual({ tooDeep: false });
    expect(scanJson(nested(34), 32)).toEqual({ tooDeep: true });
    expect(scanJson('[[[]]]', 3)).toEqual({ tooDeep: false });
    expect(scanJson('[[[[]]]]', 3)).toEqual({ tooDeep: true });
    expect(scanJson('[[],[],[[]]]', 3)).toEqual({ tooDeep: false });
  });

  it.each([
    ['brackets in a string', `{"a":"${'[{'.repeat(50)}"}`],
    ['an escaped quote before brackets', `{"a":"\\"${'['.repeat(50)}"}`],
    ['escaped backslashes before brackets', `{"a":"\\\\\\\\${'['.repeat(50)}"}`],
    ['a key of brackets', `{"${'['.repeat(50)}":1}`],
    ['strings with and without escapes, alternately', `[${'"x\\"[[", "[[", '.repeat(30)}"\\\\"]`],
  ])('counts no bracket inside a string: %s', (_, text) => {
    JSON.parse(text); // Each is JSON.
    expect(scanJson(text, 2)).toEqual({ tooDeep: false });
  });

  it('sees the structure again after a string that ends in an escaped backslash', () => {
    expect(scanJson(`["\\\\",[[]]]`, 2)).toEqual({ tooDeep: true });
    expect(scanJson(`["a\\"b",[[]]]`, 2)).toEqual({ tooDeep: true });
  });

  it('ends without throwing on text that is not JSON', () => {
    for (const text of ['', '"', '"\\', '}}]]', '[[["', 'not json', '{"a":"\\u00', '\\"[[[[']) {
      expect(() => scanJson(text, 2)).not.toThrow();
    }
  });
});
