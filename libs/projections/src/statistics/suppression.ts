/**
 * Small-cell suppression for the public statistics (§ 11): counts 1..threshold−1 are withheld
 * (primary suppression), then further cells are withheld (complementary suppression) until no
 * withheld cell can be recovered from the published ones through the identities among them.
 */

/**
 * Linear identities among cells, by number. A cell's identities are listed, not searched for: over
 * every agency's statistics of a year there are hundreds of thousands, and a query looks only at
 * those of the few cells withheld. An identity names the cells that appear together in it (which
 * side a cell is on does not matter for recoverability). Quantities the public never sees but
 * could bound or guess (e.g. decisions on other bases) are left out, i.e. treated as if known: that
 * can only suppress more.
 */
export interface Identities {
  /** Identities are numbered from 0 to count − 1. */
  readonly count: number;
  cellsOf(identity: number): readonly number[];
  /** The identities `cell` is in, in ascending order. */
  containing(cell: number): readonly number[];
}

/**
 * Which of the cells `counts` (numbered by place) are withheld: counts 1..threshold−1, then more
 * until no identity holds exactly one withheld cell.
 */
export function withheldCells(
  counts: readonly number[],
  threshold: number,
  identities: Identities,
): boolean[] {
  const hidden = counts.map((n) => n >= 1 && n < threshold);
  const primary: number[] = [];
  hidden.forEach((withheld, cell) => {
    if (withheld) primary.push(cell);
  });
  closeIdentities(counts, hidden, identities, primary);
  return hidden;
}

/**
 * Withholds more cells until no identity holds exactly one withheld cell. Identities are looked at
 * in rounds, each in ascending order, and again only once a cell of theirs is withheld (an
 * identity with no withheld cell has nothing to close). The order decides which complement is
 * chosen, so it must not change: a period's statistics are published again and again, and two
 * different choices over the same counts would together reveal both.
 */
function closeIdentities(
  counts: readonly number[],
  hidden: boolean[],
  identities: Identities,
  withheld: readonly number[],
): void {
  const dirty = new Uint8Array(identities.count);
  for (const cell of withheld) for (const identity of identities.containing(cell)) dirty[identity] = 1;
  // Each round withholds one more cell, so this ends within counts.length rounds.
  for (let changed = true; changed;) {
    changed = false;
    for (let identity = dirty.indexOf(1); identity >= 0; identity = dirty.indexOf(1, identity + 1)) {
      dirty[identity] = 0;
      const cells = identities.cellsOf(identity);
      let inIt = 0;
      for (const cell of cells) if (hidden[cell]) inIt += 1;
      if (inIt !== 1) continue;
      const complement = smallestPublished(cells, hidden, counts);
      if (complement === undefined) continue;
      hidden[complement] = true;
      for (const other of identities.containing(complement)) dirty[other] = 1;
      changed = true;
    }
  }
}

/**
 * The next-smallest published cell of the identity (the lower number first among equals). Non-zero
 * cells come first: withholding a zero beside a primary cell protects nothing, because a withheld
 * sum of zero reveals every cell in it.
 */
function smallestPublished(
  identity: readonly number[],
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

/** Linear equations among cells, by number, listed by cell as Identities are. */
export interface Equations {
  /** Equations are numbered from 0 to count − 1. */
  readonly count: number;
  equation(number: number): Equation;
  /** The equations `cell` is in, in ascending order. */
  containing(cell: number): readonly number[];
}

/**
 * Withholds more cells of `block` (ascending) until none withheld can be solved for from the
 * equations and the published cells: a cell is recoverable exactly when the equations fix it, i.e.
 * when dropping its column from the system over the withheld cells lowers the rank. Identities
 * taken one at a time (withheldCells) miss what adding several of them reveals; this closes that.
 * The cell added is the next-smallest published one in an equation of the recoverable cell.
 */
export function closeLinearly(
  counts: readonly number[],
  hidden: boolean[],
  block: readonly number[],
  equations: Equations,
): void {
  const identities: Identities = {
    count: equations.count,
    cellsOf: (number) => [...equations.equation(number).keys()],
    containing: (cell) => equations.containing(cell),
  };
  for (;;) {
    // The cheap closure first: a withheld complement is often alone in another equation, and
    // closing those one by one by rank took a pass (an elimination) each.
    closeIdentities(
      counts,
      hidden,
      identities,
      block.filter((cell) => hidden[cell]),
    );
    const withheld = block.filter((cell) => hidden[cell]);
    if (withheld.length === 0) return;
    // Every cell solvable now gets its complement in one pass (withholding more never makes a
    // cell solvable, so this only saves eliminations); then the system is checked again.
    const exposed = solvable(equations, withheld);
    let added = false;
    for (const cell of exposed) {
      const near = equations.containing(cell).flatMap((number) => identities.cellsOf(number));
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
 * Only the equations of the cells take part (an equation among published cells alone fixes
 * nothing), in ascending order. The rows are sparse (a row equation names at most five cells, and
 * most of a period's cells are published, so known), so they are kept as maps: over a hundred
 * agencies, the dense matrix cost most of a statistics query.
 */
function solvable(equations: Equations, cells: readonly number[]): number[] {
  const rows: Map<number, number>[] = [];
  // The rows each cell is in (a superset: a cell cancelled out of a row is not taken off).
  const rowsOf = new Map<number, number[]>(cells.map((cell) => [cell, []]));
  const numbers = [...new Set(cells.flatMap((cell) => equations.containing(cell)))].sort((a, b) => a - b);
  for (const number of numbers) {
    const row = new Map([...equations.equation(number)].filter(([cell, k]) => k !== 0 && rowsOf.has(cell)));
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
