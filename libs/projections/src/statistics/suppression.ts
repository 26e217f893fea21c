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
 * every agency's statistics of a period there are hundreds of identities, built for each query.
 */
export function withheldCells(
  counts: readonly number[],
  threshold: number,
  identities: readonly Identity[],
): boolean[] {
  const hidden = counts.map((n) => n >= 1 && n < threshold);
  // The identities each cell is in, so that a round looks again only at those a withheld cell
  // changed: the outcome is the same as looking at all of them, since an identity no new cell
  // joined has nothing new to close.
  const containing: number[][] = counts.map(() => []);
  identities.forEach((identity, i) => {
    for (const cell of identity) containing[cell].push(i);
  });
  const dirty = identities.map(() => true);
  // Each round withholds one more cell, so this ends within counts.length rounds.
  for (let changed = hidden.includes(true); changed;) {
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
      for (const j of containing[complement]) dirty[j] = true;
      changed = true;
    });
  }
  return hidden;
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
  for (;;) {
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
 */
function solvable(equations: readonly Equation[], cells: readonly number[]): number[] {
  const m = equations.map((eq) => cells.map((cell) => eq.get(cell) ?? 0));
  const pivots: number[] = [];
  for (let c = 0, r = 0; c < cells.length && r < m.length; c++) {
    let pivot = r;
    while (pivot < m.length && Math.abs(m[pivot][c]) < 1e-9) pivot++;
    if (pivot === m.length) continue;
    [m[r], m[pivot]] = [m[pivot], m[r]];
    const lead = m[r][c];
    for (let j = c; j < cells.length; j++) m[r][j] /= lead;
    for (let i = 0; i < m.length; i++) {
      const f = m[i][c];
      if (i !== r && f !== 0) for (let j = c; j < cells.length; j++) m[i][j] -= f * m[r][j];
    }
    pivots.push(c);
    r++;
  }
  return pivots.filter((c, r) => m[r].every((v, j) => j === c || Math.abs(v) < 1e-9)).map((c) => cells[c]);
}
