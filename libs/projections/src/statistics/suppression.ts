/**
 * Small-cell suppression for the public statistics (§ 11): counts 1..threshold−1 are withheld
 * (primary suppression), then further cells are withheld (complementary suppression) until no
 * withheld cell can be recovered from the published ones through the identities among them.
 *
 * The reader guarded against sees every published cell and every identity among them, takes each
 * withheld count as at least 1 (zeros are published) and combines the identities: exactly, by
 * rank (closeLinearly), then by bounds propagated from identity to identity (closeIntervals), so
 * that no withheld non-zero count is pinned either way. Not covered: bounds only a linear program
 * over all identities at once would find, and an agency combining its own counts with them.
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
 * Withholds more cells of `block` until no withheld non-zero cell is pinned by bounds, and returns
 * those it withheld. A reader takes every withheld count as at least 1 (zeros are published; 0 for
 * a zero withheld as a complement) and each, equation by equation, within what the others allow:
 * together equations pin what none does alone or by rank (a year's two withheld quarters adding up
 * to 3, one of them two withheld months so at least 2: the other is 1). A pinned zero reveals only
 * what publishing it would. One complement at a time, the one nearest the first pinned cell, as
 * one often frees several cells pinned together.
 */
export function closeIntervals(
  counts: readonly number[],
  hidden: boolean[],
  block: readonly number[],
  equations: Equations,
): number[] {
  const built = new Map<number, Equation>();
  const equation = (number: number): Equation => {
    let eq = built.get(number);
    if (eq === undefined) built.set(number, (eq = equations.equation(number)));
    return eq;
  };
  // Withheld cells bound one another only through equations they share, so the bounds are taken
  // over each connected set of them, and again only over the one a complement joins.
  const pinned = new Set<number>();
  const seen = new Set<number>();
  for (const cell of block) {
    if (!hidden[cell] || seen.has(cell)) continue;
    for (const p of pinnedAmong(
      connected(cell, hidden, equations, equation, seen),
      counts,
      hidden,
      equations,
      equation,
    ))
      pinned.add(p);
  }
  const order = new Map(block.map((cell, i) => [cell, i]));
  const added: number[] = [];
  while (pinned.size > 0) {
    // A round withholds one complement near each pinned cell that none of the round's is already
    // beside (one often frees several cells pinned together), then bounds are taken again.
    const round: number[] = [];
    for (const cell of [...pinned].sort((a, b) => order.get(a)! - order.get(b)!)) {
      const near = new Set(equations.containing(cell).flatMap((number) => [...equation(number).keys()]));
      if (round.some((c) => near.has(c))) continue;
      const complement = nearestComplement(cell, counts, hidden, equations, equation);
      if (complement === undefined) continue;
      hidden[complement] = true;
      round.push(complement);
    }
    // Every cell near them withheld: none left to withhold would free them.
    if (round.length === 0) break;
    added.push(...round);
    const seenNow = new Set<number>();
    for (const complement of round) {
      if (seenNow.has(complement)) continue;
      const joined = connected(complement, hidden, equations, equation, seenNow);
      for (const cell of joined) pinned.delete(cell);
      for (const p of pinnedAmong(joined, counts, hidden, equations, equation)) pinned.add(p);
    }
  }
  return added;
}

/** The withheld cells linked to `cell` through equations, each marked in `seen`. */
function connected(
  cell: number,
  hidden: readonly boolean[],
  equations: Equations,
  equation: (number: number) => Equation,
  seen: Set<number>,
): number[] {
  const found = [cell];
  seen.add(cell);
  for (let i = 0; i < found.length; i++) {
    for (const number of equations.containing(found[i])) {
      for (const other of equation(number).keys()) {
        if (!hidden[other] || seen.has(other)) continue;
        seen.add(other);
        found.push(other);
      }
    }
  }
  return found;
}

/** The non-zero cells among `unknowns` (withheld, and all those linked to them) whose bounds meet. */
function pinnedAmong(
  unknowns: readonly number[],
  counts: readonly number[],
  hidden: readonly boolean[],
  equations: Equations,
  equation: (number: number) => Equation,
): number[] {
  const at = new Map(unknowns.map((cell, i) => [cell, i]));
  const low = Float64Array.from(unknowns, (cell) => Math.min(1, counts[cell]));
  const high = new Float64Array(unknowns.length).fill(Infinity);
  // Each equation over the unknowns, from ≤ Σ k·x ≤ to: the published cells moved across, and
  // the unpublished constant (Σ k·count over all its cells) taken as known when 0, as a reader may
  // know it (a past period's notices are all due), else only its sign, as of a withheld count.
  const rows: { at: number[]; k: number[]; from: number; to: number }[] = [];
  const rowsOf: number[][] = unknowns.map(() => []);
  const numbers = new Set<number>();
  for (const cell of unknowns) for (const number of equations.containing(cell)) numbers.add(number);
  for (const number of numbers) {
    const row = { at: [] as number[], k: [] as number[], from: 0, to: 0 };
    let constant = 0;
    let published = 0;
    for (const [cell, k] of equation(number)) {
      constant += k * counts[cell];
      if (!hidden[cell]) published += k * counts[cell];
      else {
        row.at.push(at.get(cell)!);
        row.k.push(k);
        rowsOf[at.get(cell)!].push(rows.length);
      }
    }
    row.from = constant < 0 ? -Infinity : constant > 0 ? 1 - published : -published;
    row.to = constant > 0 ? Infinity : constant < 0 ? -1 - published : -published;
    rows.push(row);
  }
  // Bounds only tighten, and stay around the true counts, so this ends.
  const queued = new Uint8Array(rows.length).fill(1);
  const queue = rows.map((_, r) => r);
  for (let next = 0; next < queue.length; next++) {
    const r = queue[next];
    queued[r] = 0;
    const { at: terms, k: ks, from: total0, to: total1 } = rows[r];
    // The least and most the terms add up to, unbounded terms counted apart.
    let least = 0;
    let most = 0;
    let leastOpen = 0;
    let mostOpen = 0;
    for (let t = 0; t < terms.length; t++) {
      const k = ks[t];
      const lo = k > 0 ? k * low[terms[t]] : k * high[terms[t]];
      const hi = k > 0 ? k * high[terms[t]] : k * low[terms[t]];
      if (lo === -Infinity) leastOpen += 1;
      else least += lo;
      if (hi === Infinity) mostOpen += 1;
      else most += hi;
    }
    for (let t = 0; t < terms.length; t++) {
      const i = terms[t];
      const k = ks[t];
      const lo = k > 0 ? k * low[i] : k * high[i];
      const hi = k > 0 ? k * high[i] : k * low[i];
      // What the other terms leave this one: from − their most ≤ k·x ≤ to − their least.
      const othersMost =
        mostOpen - Number(hi === Infinity) > 0 ? Infinity : most - (hi === Infinity ? 0 : hi);
      const othersLeast =
        leastOpen - Number(lo === -Infinity) > 0 ? -Infinity : least - (lo === -Infinity ? 0 : lo);
      const from = k > 0 ? total0 - othersMost : total1 - othersLeast;
      const to = k > 0 ? total1 - othersLeast : total0 - othersMost;
      const lower = Math.ceil(from / k - 1e-9);
      const upper = Math.floor(to / k + 1e-9);
      if (lower <= low[i] && upper >= high[i]) continue;
      low[i] = Math.max(low[i], lower);
      high[i] = Math.min(high[i], upper);
      for (const other of rowsOf[i]) {
        if (queued[other] === 1) continue;
        queued[other] = 1;
        queue.push(other);
      }
    }
  }
  return unknowns.filter((cell, i) => counts[cell] !== 0 && low[i] === high[i]);
}

/**
 * The complement for a pinned cell: the smallest published non-zero cell of its equations, else of
 * the equations of the withheld cells in them, and so on outwards (a published zero withheld
 * beside it would add no room). A zero of its own equations if none is non-zero.
 */
function nearestComplement(
  pinned: number,
  counts: readonly number[],
  hidden: readonly boolean[],
  equations: Equations,
  equation: (number: number) => Equation,
): number | undefined {
  const seen = new Set([pinned]);
  let zero: number | undefined;
  for (let ring = [pinned]; ring.length > 0;) {
    const near = ring.flatMap((cell) =>
      equations.containing(cell).flatMap((number) => [...equation(number).keys()]),
    );
    const best = smallestPublished(near, hidden, counts);
    if (best !== undefined && counts[best] !== 0) return best;
    zero ??= best;
    ring = [...new Set(near)].filter((cell) => hidden[cell] && !seen.has(cell));
    for (const cell of ring) seen.add(cell);
  }
  return zero;
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
