/**
 * `compute`, remembering up to `limit` results by its one text argument or, for several arguments,
 * by `keyOf` of them. When full it forgets them all at once: one Map, and at worst a recomputation.
 * Only for pure functions on hot paths (a rule re-judged at every event re-reads the same times and
 * ids). The one-argument form takes no rest parameter: building and joining an array for each call
 * cost more than the lookup it keyed.
 */
export function remembered<V>(limit: number, compute: (text: string) => V): (text: string) => V;
export function remembered<A extends unknown[], V>(
  limit: number,
  compute: (...args: A) => V,
  keyOf: (...args: A) => string,
): (...args: A) => V;
export function remembered<A extends unknown[], V>(
  limit: number,
  compute: (...args: A) => V,
  keyOf?: (...args: A) => string,
): (...args: A) => V {
  const results = new Map<string, V>();
  const remember = (key: string, value: V): V => {
    if (results.size >= limit) results.clear();
    results.set(key, value);
    return value;
  };
  if (keyOf === undefined) {
    const one = compute as unknown as (text: string) => V;
    return ((text: string) => results.get(text) ?? remember(text, one(text))) as unknown as (...args: A) => V;
  }
  return (...args) => {
    const key = keyOf(...args);
    return results.get(key) ?? remember(key, compute(...args));
  };
}
