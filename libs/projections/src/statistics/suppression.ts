/**
 * Small-cell suppression for the public statistics (§ 11): counts 1..threshold−1 are withheld
 * (primary suppression), then further cells are withheld (complementary suppression) until no
 * withheld cell can be recovered from the published ones through the identities among them.
 */

/**
 * The cells (by number) that appear together in one linear identity (which side a cell is on does
 * not matter for recoverability). Quantities the public never sees but could bound or guess (e.g.
 * decisions on other bases) are left out, i.e. treated as if known: that can only suppress more.
 */
export type Identity = readonly number[];

/**
 * Which of the cells `counts` (numbered by place) are withheld. Cells are numbers, not names: over
 * every agency's statistics of a year there are thousands of identities, built for each query.
 */
export function withheldCells(
  counts: readonly number[],
  threshold: number,
  identities: readonly Identity[],
): boolean[] {
  const hidden = counts.map((n) => n >= 1 && n < threshold);
  closeIdentities(counts, hidden, identities);
  return hidden;
}

/** Withholds more cells until no identity holds exactly one withheld cell. */
function closeIdentities(
  counts: readonly number[],
  hidden: boolean[],
  identities: readonly Identity[],
): void {
  // The identities each cell is in, so that a round looks again only at those a withheld cell
  // changed: the outcome is the same as looking at all of them, since an identity no new cell
  // joined has nothing new to close.
  const containing = new Map<number, number[]>();
  identities.forEach((identity, i) => {
    for (const cell of identity) {
      const of = containing.get(cell);
      if (of === undefined) containing.set(cell, [i]);
      else of.push(i);
    }
  });
  const dirty = identities.map(() => true);
  // Each round withholds one more cell, so this ends within counts.length rounds.
  for (let changed = true; changed;) {
    changed = false;
    identities.forEach((identity, i) => {
      if (!dirty[i]) return;
      dirty[i] = false;
      let withheld = 0;
      for (const cell of identity) if (hidden[cell]) withheld += 1;
      if (withheld !== 1) return;
      const complement = smallestPublished(identity, hidden, counts);
      if (complement === undefined) return;
      hidden[complement] = true;
      for (const j of containing.get(complement)!) dirty[j] = true;
      changed = true;
    });
  }
}

/**
 * The next-smallest published cell of the identity (the lower number first among equals). Non-zero
 * cells come first: withholding a zero beside a primary cell protects nothing, because a withheld
 * sum of zero reveals every cell in it.
 */
function smallestPublished(
  identity: Identity,
  hidden: readonly boolean[],
  counts: readonly number[],
): number | undefined {
  const precedes = (a: number, b: number): boolean =>
    (Number(counts[a] === 0) - Number(counts[b] === 0) || counts[a] - counts[b] || a - b) < 0;
  let best: number | undefined;
  for (const cell of identity) {
    if (!hidden[cell] && (best === undefined || precedes(cell, best))) best = cell;
  }
  return best;
}

/** A linear equation among cells: the coefficient of each (unpublished constants left out). */
export type Equation = ReadonlyMap<number, number>;

/**
 * Withholds more cells of `block` until none withheld can be solved for from the equations and
 * the published cells: a cell is recoverable exactly when the equations fix it, i.e. when dropping
 * its column from the system over the withheld cells lowers the rank. Identities taken one at a
 * time (withheldCells) miss what adding several of them reveals; this closes that. The cell added
 * is the next-smallest published one in an equation of the recoverable cell.
 */
export function closeLinearly(
  counts: readonly number[],
  hidden: boolean[],
  block: readonly number[],
  equations: readonly Equation[],
): void {
  const identities = equations.map((equation) => [...equation.keys()]);
  for (;;) {
    // The cheap closure first: a withheld complement is often alone in another equation, and
    // closing those one by one by rank took a pass (an elimination) each.
    closeIdentities(counts, hidden, identities);
    const withheld = block.filter((cell) => hidden[cell]);
    if (withheld.length === 0) return;
    // Every cell solvable now gets its complement in one pass (withholding more never makes a
    // cell solvable, so this only saves eliminations); then the system is checked again.
    const exposed = solvable(equations, withheld);
    let added = false;
    for (const cell of exposed) {
      const near = equations.filter((eq) => eq.has(cell)).flatMap((eq) => [...eq.keys()]);
      const complement = smallestPublished(near, hidden, counts) ?? smallestPublished(block, hidden, counts);
      if (complement === undefined) continue;
      hidden[complement] = true;
      added = true;
    }
    if (!added) return;
  }
}

/**
 * The `cells` (unknowns) that the equations fix. A cell is fixed exactly when its unit vector lies
 * in the equations' row space, i.e. when, reduced to row echelon form, a row holds that cell alone.
 * The rows are sparse (a row equation names at most five cells, and most of a period's cells are
 * published, so known), so they are kept as maps: over a hundred agencies, the dense matrix cost
 * most of a statistics query.
 */
function solvable(equations: readonly Equation[], cells: readonly number[]): number[] {
  const rows: Map<number, number>[] = [];
  // The rows each cell is in (a superset: a cell cancelled out of a row is not taken off).
  const rowsOf = new Map<number, number[]>(cells.map((cell) => [cell, []]));
  for (const equation of equations) {
    const row = new Map([...equation].filter(([cell, k]) => k !== 0 && rowsOf.has(cell)));
    // An equation among published cells alone fixes nothing.
    if (row.size === 0) continue;
    for (const cell of row.keys()) rowsOf.get(cell)!.push(rows.length);
    rows.push(row);
  }
  // Each pivot cell's row.
  const pivots = new Map<number, number>();
  const isPivot = rows.map(() => false);
  // Which cells are fixed does not depend on the order of elimination; taking the cells in the
  // fewest rows first keeps the rows short.
  const order = [...cells].sort((a, b) => rowsOf.get(a)!.length - rowsOf.get(b)!.length || a - b);
  for (const cell of order) {
    const holding = rowsOf.get(cell)!;
    let p: number | undefined;
    for (const r of holding) {
      if (!isPivot[r] && rows[r].has(cell) && (p === undefined || rows[r].size < rows[p].size)) p = r;
    }
    if (p === undefined) continue;
    pivots.set(cell, p);
    isPivot[p] = true;
    const pivot = rows[p];
    const lead = pivot.get(cell)!;
    for (const [c, k] of pivot) pivot.set(c, k / lead);
    for (const r of new Set(holding)) {
      const row = rows[r];
      const f = r === p ? undefined : row.get(cell);
      if (f === undefined) continue;
      for (const [c, k] of pivot) {
        const before = row.get(c);
        const v = (before ?? 0) - f * k;
        if (Math.abs(v) < 1e-9) row.delete(c);
        else row.set(c, v);
        if (before === undefined && c !== cell) rowsOf.get(c)!.push(r);
      }
    }
  }
  return cells.filter((cell) => {
    const p = pivots.get(cell);
    return p !== undefined && rows[p].size === 1;
  });
}
