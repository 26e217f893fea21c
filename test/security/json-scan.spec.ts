import { scanJson } from '../../apps/api/src/security/json-scan';

/** The scan before JSON.parse: depth from brackets outside strings only, and repeated keys by path. */

const nested = (depth: number) => `${'{"a":['.repeat(depth / 2)}1${']}'.repeat(depth / 2)}`;

describe('scanJson depth', () => {
  it('takes up to the bound and refuses past it, counting the top container as 1', () => {
    expect(scanJson(nested(32), 32)).toEqual({ tooDeep: false, repeatedKey: undefined });
    expect(scanJson(nested(34), 32)).toEqual({ tooDeep: true });
    expect(scanJson('[[[]]]', 3)).toMatchObject({ tooDeep: false });
    expect(scanJson('[[[[]]]]', 3)).toEqual({ tooDeep: true });
    expect(scanJson('[[],[],[[]]]', 3)).toMatchObject({ tooDeep: false });
  });

  it.each([
    ['brackets in a string', `{"a":"${'[{'.repeat(50)}"}`],
    ['an escaped quote before brackets', `{"a":"\\"${'['.repeat(50)}"}`],
    ['escaped backslashes before brackets', `{"a":"\\\\\\\\${'['.repeat(50)}"}`],
    ['a key of brackets', `{"${'['.repeat(50)}":1}`],
    ['strings with and without escapes, alternately', `[${'"x\\"[[", "[[", '.repeat(30)}"\\\\"]`],
  ])('counts no bracket inside a string: %s', (_, text) => {
    JSON.parse(text); // Each is JSON.
    expect(scanJson(text, 2)).toMatchObject({ tooDeep: false });
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

describe('scanJson repeated keys', () => {
  const repeated = (text: string) => {
    JSON.parse(text); // Each is JSON, which JSON.parse takes, keeping the last.
    const scan = scanJson(text, 32);
    return scan.tooDeep ? 'too deep' : scan.repeatedKey;
  };

  it.each([
    ['{"a":1,"a":2}', 'a'],
    ['{"a":1,"b":{"c":1},"a":2}', 'a'],
    ['{"subject":{"fullName":"x","dateOfBirth":"y","fullName":"z"}}', 'subject.fullName'],
    ['{"documents":[{"kind":1},{"court":1,"court":2}]}', 'documents[1].court'],
    ['{"a":[[1],[2,{"b":{"c":1,"c":1}}]]}', 'a[1][1].b.c'],
    // The same key as JSON.parse reads it, however it is escaped.
    [String.raw`{"a":1,"\u0061":2}`, 'a'],
    [String.raw`{"a\"b":1,"a\u0022b":2}`, 'a"b'],
    // Only the first is named.
    ['{"x":{"y":1,"y":2},"x":3}', 'x.y'],
  ])('names the first repeated key of %s: %s', (text, path) => {
    expect(repeated(text)).toBe(path);
  });

  it.each([
    ['one key in two objects', '{"a":{"b":1},"c":{"b":1}}'],
    ['one key in each item of a list', '{"a":[{"b":1},{"b":2}]}'],
    ['a value equal to a key', '{"a":"a","b":"a"}'],
    ['keys equal to strings in lists', '{"a":["a","a"],"b":1}'],
    [
      'keys that differ in case or escaping of something else',
      String.raw`{"a":1,"A":2,"\\a":3,"a\\":4,"\u0062":5}`,
    ],
    ['a key repeated after its object closed', '{"o":{"k":1},"p":{"k":2},"k":3}'],
  ])('takes %s', (_, text) => {
    expect(repeated(text)).toBeUndefined();
  });
});
