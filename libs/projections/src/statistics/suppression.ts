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
export function closeIdentities(
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
export function smallestPublished(
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
  // Each equation is built once: the closure and the elimination ask for the same ones again and again.
  const built = new Map<number, Equation>();
  const equation = (number: number): Equation => {
    let eq = built.get(number);
    if (eq === undefined) built.set(number, (eq = equations.equation(number)));
    return eq;
  };
  const identities: Identities = {
    count: equations.count,
    cellsOf: (number) => [...equation(number).keys()],
    containing: (cell) => equations.containing(cell),
  };
  const elimination = new Elimination(equation, identities.containing);
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
    // cell solvable, so this only saves passes); then the system is checked again.
    elimination.add(withheld.filter((cell) => !elimination.has(cell)));
    const exposed = withheld.filter((cell) => elimination.fixes(cell));
    let added = false;
    for (const cell of exposed) {
      const near = equations.containing(cell).flatMap((number) => identities.cellsOf(number));
      const complement = smallestPublished(near, hidden, counts) ?? smallestPublished(block, hidden, counts);
      if (complement === undefined) continue;
      hidden[complement] = true;
      added = true;
    }
    // Exactness first, as it always was, so that bounds only add to what was withheld before.
    if (!added && !closeBounds(counts, hidden, withheld, equations, equation)) return;
  }
}

/**
 * Withholds one more cell of each equation whose withheld cells, two or more, are all 1 and on one
 * side of it: a withheld count is at least 1 (zeros are published), so their sum, which the
 * equation gives, would be their number and pin each at 1 (e.g. two withheld months of a quarter
 * whose count is the third month's plus 2). Says whether it withheld any.
 */
function closeBounds(
  counts: readonly number[],
  hidden: boolean[],
  withheld: readonly number[],
  equations: Equations,
  equation: (number: number) => Equation,
): boolean {
  const seen = new Set<number>();
  let added = false;
  for (const cell of withheld) {
    if (counts[cell] !== 1) continue;
    for (const number of equations.containing(cell)) {
      if (seen.has(number)) continue;
      seen.add(number);
      const eq = equation(number);
      const inIt = [...eq].filter(([c]) => hidden[c]);
      const side = Math.sign(inIt[0][1]);
      if (inIt.length < 2 || inIt.some(([c, k]) => counts[c] !== 1 || k !== side)) continue;
      const complement = smallestPublished([...eq.keys()], hidden, counts);
      if (complement === undefined) continue;
      hidden[complement] = true;
      added = true;
    }
  }
  return added;
}

/**
 * Gauss–Jordan elimination of the equations over the withheld cells (the unknowns), which tells
 * the cells the equations fix: a cell is fixed exactly when its unit vector lies in the equations'
 * row space, i.e. when, reduced, its pivot row holds it alone. That does not depend on the order of
 * elimination, so cells withheld later are added to the reduced system rather than starting over:
 * each step so far is replayed on their columns alone, then they are eliminated in turn. (Starting
 * over took a block of 117 agencies' rows 34 eliminations of 6–7k cells each.) A cell that was not
 * fixed stays so, as withholding more never fixes a cell. Rows are sparse maps: a row equation
 * names at most five cells, and most of a period's cells are published, so not unknowns.
 */
class Elimination {
  private readonly rows: Map<number, number>[] = [];
  /** The row of each equation that names an unknown. */
  private readonly rowOf = new Map<number, number>();
  /** The rows each unknown is in (a superset: a cell cancelled out of a row is not taken off). */
  private readonly rowsOf = new Map<number, number[]>();
  private readonly pivotOf = new Map<number, number>();
  private readonly isPivot: boolean[] = [];
  /** Every step so far, in order: the pivot row, its lead, and each row it was subtracted from, times what. */
  private readonly steps: { pivot: number; lead: number; from: [row: number, factor: number][] }[] = [];

  constructor(
    private readonly equation: (number: number) => Equation,
    private readonly containing: (cell: number) => readonly number[],
  ) {}

  has(cell: number): boolean {
    return this.rowsOf.has(cell);
  }

  fixes(cell: number): boolean {
    const p = this.pivotOf.get(cell);
    return p !== undefined && this.rows[p].size === 1;
  }

  /** Makes `cells` unknowns too. */
  add(cells: readonly number[]): void {
    // Their coefficients in each row, as the equations give them, then as the steps so far made them.
    const added = new Map<number, Map<number, number>>();
    for (const cell of cells) {
      this.rowsOf.set(cell, []);
      for (const number of this.containing(cell)) {
        const k = this.equation(number).get(cell) ?? 0;
        if (k === 0) continue;
        let r = this.rowOf.get(number);
        if (r === undefined) {
          r = this.rows.push(new Map<number, number>()) - 1;
          this.isPivot.push(false);
          this.rowOf.set(number, r);
        }
        let entries = added.get(r);
        if (entries === undefined) added.set(r, (entries = new Map<number, number>()));
        entries.set(cell, k);
      }
    }
    for (const { pivot, lead, from } of this.steps) {
      const entries = added.get(pivot);
      if (entries === undefined || entries.size === 0) continue;
      for (const [c, k] of entries) entries.set(c, k / lead);
      for (const [r, f] of from) {
        let row = added.get(r);
        if (row === undefined) added.set(r, (row = new Map<number, number>()));
        subtract(row, f, entries);
      }
    }
    for (const [r, entries] of added) {
      for (const [c, k] of entries) {
        this.rows[r].set(c, k);
        this.rowsOf.get(c)!.push(r);
      }
    }
    // Taking the cells in the fewest rows first keeps the rows short.
    const order = [...cells].sort((a, b) => this.rowsOf.get(a)!.length - this.rowsOf.get(b)!.length || a - b);
    for (const cell of order) this.eliminate(cell);
  }

  private eliminate(cell: number): void {
    const holding = this.rowsOf.get(cell)!;
    let p: number | undefined;
    for (const r of holding) {
      const row = this.rows[r];
      if (!this.isPivot[r] && row.has(cell) && (p === undefined || row.size < this.rows[p].size)) p = r;
    }
    if (p === undefined) return;
    this.pivotOf.set(cell, p);
    this.isPivot[p] = true;
    const pivot = this.rows[p];
    const lead = pivot.get(cell)!;
    for (const [c, k] of pivot) pivot.set(c, k / lead);
    const from: [number, number][] = [];
    for (const r of new Set(holding)) {
      const row = this.rows[r];
      const f = r === p ? undefined : row.get(cell);
      if (f === undefined) continue;
      from.push([r, f]);
      for (const c of subtract(row, f, pivot)) this.rowsOf.get(c)!.push(r);
    }
    this.steps.push({ pivot: p, lead, from });
  }
}

/** row −= f × pivot, dropping what cancels; returns the cells the row did not have before. */
function subtract(row: Map<number, number>, f: number, pivot: ReadonlyMap<number, number>): number[] {
  const gained: number[] = [];
  for (const [c, k] of pivot) {
    const before = row.get(c);
    const v = (before ?? 0) - f * k;
    if (Math.abs(v) < 1e-9) {
      row.delete(c);
    } else {
      row.set(c, v);
      if (before === undefined) gained.push(c);
    }
  }
  return gained;
}
