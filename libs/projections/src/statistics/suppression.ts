/**
 * Small-cell suppression for the public statistics (§ 11): counts 1..threshold−1 are withheld
 * (primary suppression), then further cells are withheld (complementary suppression) until no
 * withheld cell can be recovered from the published ones through the row's identities.
 */

/**
 * The cells that appear together in one linear identity (which side a cell is on does not matter
 * for recoverability). Quantities the public never sees but could bound or guess (e.g. decisions on
 * other bases) are left out, i.e. treated as if known: that can only suppress more, never less.
 */
export type Identity<F extends string> = readonly F[];

export interface SuppressedCells<F extends string> {
  values: Record<F, number | null>;
  /** The withheld fields, in the order of `fields`. */
  suppressed: F[];
}

export function suppressCells<F extends string>(
  counts: Record<F, number>,
  fields: readonly F[],
  threshold: number,
  identities: readonly Identity<F>[],
): SuppressedCells<F> {
  const hidden = new Set<F>(fields.filter((f) => counts[f] >= 1 && counts[f] < threshold));
  // Each round withholds one more cell, so this ends within fields.length rounds.
  for (let changed = hidden.size > 0; changed;) {
    changed = false;
    for (const identity of identities) {
      if (identity.filter((f) => hidden.has(f)).length !== 1) continue;
      const complement = smallestPublished(identity, hidden, counts, fields);
      if (complement === undefined) continue;
      hidden.add(complement);
      changed = true;
    }
  }
  const values = {} as Record<F, number | null>;
  for (const f of fields) values[f] = hidden.has(f) ? null : counts[f];
  return { values, suppressed: fields.filter((f) => hidden.has(f)) };
}

/**
 * The next-smallest published cell of the identity. Non-zero cells come first: withholding a zero
 * beside a primary cell protects nothing, because a withheld sum of zero reveals every cell in it.
 */
function smallestPublished<F extends string>(
  identity: Identity<F>,
  hidden: ReadonlySet<F>,
  counts: Record<F, number>,
  fields: readonly F[],
): F | undefined {
  const candidates = identity.filter((f) => !hidden.has(f));
  candidates.sort(
    (a, b) =>
      Number(counts[a] === 0) - Number(counts[b] === 0) ||
      counts[a] - counts[b] ||
      fields.indexOf(a) - fields.indexOf(b),
  );
  return candidates[0];
}
