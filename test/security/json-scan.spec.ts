import { scanJson } from '../../apps/api/src/security/json-scan';

const scan = (text: string, maxDepth: number, maxFields = 1_000) => scanJson(text, { maxDepth, maxFields });

/** The scan before JSON.parse: depth from brackets outside strings only, fields, and repeated keys by path. */

const nested = (depth: number) => `${'{"a":['.repeat(depth / 2)}1${']}'.repeat(depth / 2)}`;

describe('scanJson depth', () => {
  it('takes up to the bound and refuses past it, counting the top container as 1', () => {
    expect(scan(nested(32), 32)).toEqual({ exceeds: undefined, repeatedKey: undefined });
    expect(scan(nested(34), 32)).toEqual({ exceeds: 'depth' });
    expect(scan('[[[]]]', 3)).toMatchObject({ exceeds: undefined });
    expect(scan('[[[[]]]]', 3)).toEqual({ exceeds: 'depth' });
    expect(scan('[[],[],[[]]]', 3)).toMatchObject({ exceeds: undefined });
  });

  it.each([
    ['brackets in a string', `{"a":"${'[{'.repeat(50)}"}`],
    ['an escaped quote before brackets', `{"a":"\\"${'['.repeat(50)}"}`],
    ['escaped backslashes before brackets', `{"a":"\\\\\\\\${'['.repeat(50)}"}`],
    ['a key of brackets', `{"${'['.repeat(50)}":1}`],
    ['strings with and without escapes, alternately', `[${'"x\\"[[", "[[", '.repeat(30)}"\\\\"]`],
  ])('counts no bracket inside a string: %s', (_, text) => {
    JSON.parse(text); // Each is JSON.
    expect(scan(text, 2)).toMatchObject({ exceeds: undefined });
  });

  it('sees the structure again after a string that ends in an escaped backslash', () => {
    expect(scan(`["\\\\",[[]]]`, 2)).toEqual({ exceeds: 'depth' });
    expect(scan(`["a\\"b",[[]]]`, 2)).toEqual({ exceeds: 'depth' });
  });

  it('ends without throwing on text that is not JSON', () => {
    for (const text of ['', '"', '"\\', '}}]]', '[[["', 'not json', '{"a":"\\u00', '\\"[[[[']) {
      expect(() => scan(text, 2)).not.toThrow();
    }
  });
});

describe('scanJson repeated keys', () => {
  const repeated = (text: string) => {
    JSON.parse(text); // Each is JSON, which JSON.parse takes, keeping the last.
    const result = scan(text, 32);
    return result.exceeds ?? result.repeatedKey;
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

describe('scanJson fields', () => {
  const keys = (n: number) =>
    JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 0])));
  const items = (n: number) => JSON.stringify({ list: Array.from({ length: n }, () => 0) });

  it('counts keys at any depth, and list items after the first, refusing past the bound', () => {
    expect(scan(keys(10), 32, 10)).toMatchObject({ exceeds: undefined });
    expect(scan(keys(11), 32, 10)).toEqual({ exceeds: 'fields' });
    expect(scan(JSON.stringify({ a: { b: { c: 1, d: [{ e: 1 }] } } }), 32, 5)).toMatchObject({
      exceeds: undefined,
    });
    expect(scan(JSON.stringify({ a: { b: { c: 1, d: [{ e: 1, f: 2 }] } } }), 32, 5)).toEqual({
      exceeds: 'fields',
    });
    // `list` and 10 items: the first item is not counted, so never more than the pipe counts.
    expect(scan(items(10), 32, 10)).toMatchObject({ exceeds: undefined });
    expect(scan(items(11), 32, 10)).toEqual({ exceeds: 'fields' });
  });

  it('counts no comma or quote inside a string', () => {
    expect(scan(JSON.stringify({ a: ',,,,"",,,:' }), 32, 1)).toMatchObject({ exceeds: undefined });
    expect(scan(JSON.stringify({ a: ['"a":1,"b":2', ',,,'] }), 32, 2)).toMatchObject({ exceeds: undefined });
  });
});
