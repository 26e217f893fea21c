/**
 * `compute`, remembering up to `limit` results by `keyOf` of its arguments. When full it forgets
 * them all at once: one Map, and at worst a recomputation. Only for pure functions on hot paths
 * (a rule re-judged at every event re-reads the same times and ids).
 */
export function remembered<A extends unknown[], V>(
  limit: number,
  compute: (...args: A) => V,
  keyOf: (...args: A) => string = (...args) => args.join(' '),
): (...args: A) => V {
  const results = new Map<string, V>();
  return (...args) => {
    const key = keyOf(...args);
    let value = results.get(key);
    if (value === undefined) {
      if (results.size >= limit) results.clear();
      value = compute(...args);
      results.set(key, value);
    }
    return value;
  };
}
