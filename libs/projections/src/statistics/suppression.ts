/**
 * Small-cell suppression for the public statistics (§ 11): counts 1..threshold−1 are withheld
 * (primary suppression), then further cells are withheld (complementary suppression) until no
 * withheld cell can be recovered from the published ones through the identities among them.
 *
 * The reader guarded against sees every published cell and every identity among them, takes each
 * withheld count as at least 1 (zeros are published) and combines the identities: exactly, by
 * rank (closeLinearly), then by bounds propagated from identity to identity (closeIntervals), so
 * that no withheld non-zero count is pinned either way. Nor is a row's withheld total left equal to
 * one of its withheld parts by the row's own published zeros (closeEqualities). Not covered: bounds only a linear
 * program over all identities at once would find, and an agency combining its own counts with them.
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
 * one often frees several cells pinned together. The equations of the block's cells must name only
 * cells whose equations are listed too (a block's own, as statistics-row's blocks are).
 */
export function closeIntervals(
  counts: readonly number[],
  hidden: boolean[],
  block: readonly number[],
  equations: Equations,
): number[] {
  // Most blocks of a year (a requesting agency's requests of one type) have nothing withheld.
  if (!block.some((cell) => hidden[cell])) return [];
  const bounds = new BlockBounds(counts, hidden, block, equations);
  // Withheld cells bound one another only through equations they share, so the bounds are taken
  // over each connected set of them, then again only where complements join (see below). Cells
  // are only ever withheld here, so sets only merge: each is kept by its first cell (union–find).
  const parent = Int32Array.from(block, (_, i) => i);
  const root = (c: number): number => {
    while (parent[c] !== c) c = parent[c] = parent[parent[c]];
    return c;
  };
  const members = new Map<number, number[]>();
  const pinned = new Set<number>();
  const seen = bounds.newMarks();
  for (let i = 0; i < block.length; i++) {
    if (!bounds.hidden[i] || seen[i] === 1) continue;
    const set = bounds.connected(i, seen);
    for (const c of set) parent[c] = i;
    members.set(i, set);
    for (const p of bounds.pinnedAmong(set)) pinned.add(p);
  }
  const join = (complement: number): void => {
    members.set(complement, [complement]);
    for (const near of bounds.withheldNear(complement)) {
      const [a, b] = [root(near), root(complement)];
      if (a === b) continue;
      const [big, small] = members.get(a)!.length >= members.get(b)!.length ? [a, b] : [b, a];
      for (const c of members.get(small)!) members.get(big)!.push(c);
      members.delete(small);
      parent[small] = big;
    }
  };
  const added: number[] = [];
  // The equations over which bounds near a pinned cell pinned it, if they did (see below).
  const pinnedOver = new Map<number, readonly number[]>();
  // The sets in which a cell was taken as freed without bounds over the whole set.
  const unsure = new Set<number>();
  const inRound = bounds.newMarks();
  for (;;) {
    while (pinned.size > 0) {
      // A round withholds one complement near each pinned cell that none of the round's is already
      // beside (one often frees several cells pinned together), then bounds are taken again.
      const round: number[] = [];
      for (const cell of [...pinned].sort((a, b) => a - b)) {
        if (bounds.someNear(cell, inRound)) continue;
        const complement = bounds.nearestComplement(cell);
        if (complement === undefined) continue;
        bounds.withhold(complement);
        join(complement);
        inRound[complement] = 1;
        round.push(complement);
      }
      // Every cell near them withheld: none left to withhold would free them.
      if (round.length === 0) break;
      for (const complement of round) {
        added.push(bounds.cells[complement]);
        inRound[complement] = 0;
      }
      // Withholding a cell only widens bounds, so a cell that was not pinned is not pinned now:
      // only the round's complements and the cells pinned before in the sets they joined are
      // looked at again, by bounds over the cells near each (fewer equations pin less, so what
      // they pin is pinned; bounds that pinned a cell pin it still if no complement is in their
      // equations). A cell they do not pin is taken as freed until its whole set is looked at:
      // taking the bounds over a set of thousands of cells after every round cost most of a
      // year's decision.
      const joined = new Set(round.map(root));
      const touched = new Set(round.flatMap((complement) => bounds.equationsOf(complement)));
      const again = [...round];
      for (const cell of pinned) {
        const over = pinnedOver.get(cell);
        if (joined.has(root(cell)) && (over === undefined || over.some((e) => touched.has(e))))
          again.push(cell);
      }
      for (const cell of again) {
        pinned.delete(cell);
        pinnedOver.delete(cell);
        if (bounds.isZero(cell)) continue;
        const over = bounds.pinnedNear(cell);
        if (over !== undefined) {
          pinned.add(cell);
          pinnedOver.set(cell, over);
          continue;
        }
        unsure.add(cell);
      }
    }
    // Then each set with a cell taken as freed, over the whole set: what is pinned there starts
    // the rounds again.
    const sets = new Set([...unsure].map(root));
    unsure.clear();
    if (sets.size === 0) return added;
    for (const set of sets) for (const p of bounds.pinnedAmong(members.get(set)!)) pinned.add(p);
    if (pinned.size === 0) return added;
  }
}

/**
 * Withholds more cells of `block` until no equation tells a reader that two withheld non-zero
 * cells are equal, and returns those it withheld. Such an equation has its unpublished part 0 (as a
 * reader may know it) and its published cells adding up to 0, and beside the two, on opposite
 * sides, only withheld zeros that bounds over `equations` pin at 0: e.g. a row's received and
 * declined withheld, its honored, partiallyHonored and pending published 0, tells that every one
 * of the 1–4 requests was declined, though not how many (an attribute disclosure). One more cell of
 * the equation is withheld (a published zero, as there is often nothing else), or, if none is
 * left, one beside a pinned zero of it, until that leaves the reader room. Only `disclosing`
 * equations are looked at: those of a total and its parts. Two withheld zeros made equal reveal
 * nothing about anyone, so only non-zero pairs count. The equations of the block's cells must name
 * only cells of the block, as closeIntervals's must.
 */
export function closeEqualities(
  counts: readonly number[],
  hidden: boolean[],
  block: readonly number[],
  equations: Equations,
  disclosing: (equation: number) => boolean,
): number[] {
  if (!block.some((cell) => hidden[cell] && counts[cell] !== 0)) return [];
  const bounds = new BlockBounds(counts, hidden, block, equations);
  const added: number[] = [];
  // The equations to look at: first those of every withheld non-zero cell, then in each round
  // those exposed in the last and those of the non-zero cells it withheld.
  let look = new Set<number>();
  const lookAt = (c: number): void => {
    if (!bounds.isZero(c)) for (const e of bounds.equationsOf(c)) look.add(e);
  };
  for (let i = 0; i < block.length; i++) if (bounds.hidden[i] === 1) lookAt(i);
  while (look.size > 0) {
    // Bounds are taken once a round over each set of linked withheld cells, as closeIntervals's are.
    const pinned = new Map<number, boolean>();
    const pinnedAtZero = (z: number): boolean => {
      if (!pinned.has(z)) for (const [c, atZero] of bounds.zerosPinnedWith(z)) pinned.set(c, atZero);
      return pinned.get(z)!;
    };
    const exposed = [...look]
      .sort((a, b) => a - b)
      .flatMap((e) => {
        if (!disclosing(bounds.numberOf(e))) return [];
        const zeros = bounds.equalityIn(e);
        return zeros !== undefined && zeros.every(pinnedAtZero) ? [{ e, zeros }] : [];
      });
    look = new Set<number>();
    for (const { e, zeros } of exposed) {
      // A complement withheld this round may have left it room already: looked at again next round.
      if (bounds.equalityIn(e)?.length !== zeros.length) {
        look.add(e);
        continue;
      }
      const complement = bounds.smallestPublishedIn(e) ?? bounds.nearestComplement(zeros[0]);
      if (complement === undefined) continue;
      bounds.withhold(complement);
      added.push(block[complement]);
      look.add(e);
      lookAt(complement);
    }
  }
  return added;
}

/**
 * Bound changes a propagation may make per withheld cell, on average, before it gives up. Counts are
 * integers and every coefficient ±1, so a bound moves by at least 1 and settles within a few moves
 * (three or four in the benches); only a cycle of equations over counts in the thousands could
 * walk one down step by step, and inconsistent counts could do so without end.
 */
const MOVES_PER_CELL = 64;

/**
 * The withheld cells around a cell, and the equations (those of at most NEAR_TERMS terms: a
 * jurisdiction's sum over a hundred agencies costs more than it pins), whose bounds are taken
 * before those of its whole set (see pinnedNear).
 */
export const NEAR_CELLS = 8;
const NEAR_TERMS = 12;

/**
 * A block's equations over its cells, numbered locally (by place in the block) and laid out flat,
 * each built once, when a withheld cell is first in it: bounds are taken over and over as
 * complements are added, and looking equations up as maps each time, or building those of every
 * cell of a block most of which are published, cost most of a year's decision.
 */
class BlockBounds {
  readonly hidden: Uint8Array;
  private readonly count: Float64Array;
  private readonly local = new Map<number, number>();
  /** Equation e's terms are termCell/termK[termStart[e] .. termStart[e + 1]). */
  private readonly termStart = [0];
  private readonly termCell: number[] = [];
  private readonly termK: number[] = [];
  /** Σ k·count over all of an equation's cells: the unpublished part's sign, or 0 if it is known. */
  private readonly constant: number[] = [];
  private readonly eqLocal = new Map<number, number>();
  /** Each local equation's number among `equations`. */
  private readonly eqNumber: number[] = [];
  /** Each cell's equations, once asked for. */
  private readonly eqsOf: (readonly number[] | undefined)[];
  /** Whether every count is an integer, as counts of requests are: only then may bounds be rounded. */
  private readonly integral: boolean;
  // Scratch for pinnedAmong, reused: each cell's bounds, each equation's place in the system.
  private readonly low: Float64Array;
  private readonly high: Float64Array;
  private readonly place: number[] = [];
  /** Scratch: the cells a propagation narrows (the others of its equations keep their first bounds). */
  private readonly inside: Uint8Array;

  constructor(
    counts: readonly number[],
    private readonly hiddenCells: boolean[],
    readonly cells: readonly number[],
    private readonly equations: Equations,
  ) {
    cells.forEach((cell, i) => this.local.set(cell, i));
    this.count = Float64Array.from(cells, (cell) => counts[cell]);
    this.hidden = Uint8Array.from(cells, (cell) => Number(hiddenCells[cell]));
    this.integral = this.count.every((n) => Number.isInteger(n));
    this.eqsOf = new Array<undefined>(cells.length).fill(undefined);
    this.low = new Float64Array(cells.length);
    this.high = new Float64Array(cells.length);
    this.inside = new Uint8Array(cells.length);
  }

  /** The (local) equations of local cell `c`. */
  equationsOf(c: number): readonly number[] {
    let eqs = this.eqsOf[c];
    if (eqs !== undefined) return eqs;
    eqs = this.equations.containing(this.cells[c]).map((number) => {
      let e = this.eqLocal.get(number);
      if (e !== undefined) return e;
      e = this.constant.length;
      this.eqLocal.set(number, e);
      this.eqNumber.push(number);
      let constant = 0;
      for (const [cell, k] of this.equations.equation(number)) {
        const i = this.local.get(cell);
        if (i === undefined)
          throw new Error(`an equation of block cell ${this.cells[c]} names ${cell}, not in the block`);
        this.termCell.push(i);
        this.termK.push(k);
        constant += k * this.count[i];
      }
      this.termStart.push(this.termCell.length);
      this.constant.push(constant);
      this.place.push(-1);
      return e;
    });
    this.eqsOf[c] = eqs;
    return eqs;
  }

  newMarks(): Uint8Array {
    return new Uint8Array(this.cells.length);
  }

  withhold(c: number): void {
    this.hidden[c] = 1;
    this.hiddenCells[this.cells[c]] = true;
  }

  /** The withheld cells linked to `c` through equations, each marked in `seen`, nearest first, at most `most`. */
  connected(c: number, seen: Uint8Array, most = Infinity, terms = Infinity): number[] {
    const { termStart, termCell, hidden } = this;
    const found = [c];
    seen[c] = 1;
    for (let n = 0; n < found.length; n++) {
      for (const e of this.equationsOf(found[n])) {
        if (termStart[e + 1] - termStart[e] > terms) continue;
        for (let t = termStart[e]; t < termStart[e + 1]; t++) {
          const other = termCell[t];
          if (hidden[other] === 0 || seen[other] === 1 || found.length >= most) continue;
          seen[other] = 1;
          found.push(other);
        }
      }
    }
    return found;
  }

  /** The withheld cells of `c`'s equations (`c` among them if withheld, some more than once). */
  withheldNear(c: number): number[] {
    const { termStart, termCell, hidden } = this;
    const near: number[] = [];
    for (const e of this.equationsOf(c))
      for (let t = termStart[e]; t < termStart[e + 1]; t++)
        if (hidden[termCell[t]] === 1) near.push(termCell[t]);
    return near;
  }

  /** Whether a cell of one of `c`'s equations is marked. */
  someNear(c: number, marked: Uint8Array): boolean {
    const { termStart, termCell } = this;
    for (const e of this.equationsOf(c))
      for (let t = termStart[e]; t < termStart[e + 1]; t++) if (marked[termCell[t]] === 1) return true;
    return false;
  }

  /**
   * The non-zero cells among `unknowns` (withheld, and all those linked to them) whose bounds meet,
   * by propagation to the fixpoint; every non-zero one if it does not settle within MOVES_PER_CELL
   * moves a cell or finds the counts inconsistent, which can only withhold more.
   */
  pinnedAmong(unknowns: readonly number[]): number[] {
    const settled = this.propagate(unknowns) !== undefined;
    return unknowns.filter((c) => this.count[c] !== 0 && (!settled || this.meet(c)));
  }

  /**
   * The equations over which bounds near `c` pin it, if they do: over the NEAR_CELLS withheld cells
   * nearest it, those beyond taken only as at least 1 (or 0). Fewer equations and looser bounds pin
   * less, so what they pin, the whole set's bounds pin too.
   */
  pinnedNear(c: number): readonly number[] | undefined {
    const near = this.connected(c, this.inside, NEAR_CELLS, NEAR_TERMS);
    for (const cell of near) this.inside[cell] = 0;
    const over = this.propagate(near, NEAR_TERMS);
    return over !== undefined && this.meet(c) ? over : undefined;
  }

  /** Whether `c`'s bounds, as the last propagation left them, meet. */
  private meet(c: number): boolean {
    return this.high[c] - this.low[c] <= (this.integral ? 0 : 1e-9);
  }

  /**
   * Each of `unknowns`' bounds, propagated over their equations to the fixpoint, the other withheld
   * cells of those equations held at their first bounds; whether it settled within MOVES_PER_CELL
   * moves a cell without finding the counts inconsistent.
   */
  private propagate(unknowns: readonly number[], terms = Infinity): number[] | undefined {
    const { low, high, place, termStart, termCell, termK, count, hidden, inside } = this;
    // The system: each equation over the unknowns once, at its place.
    const system: number[] = [];
    for (const c of unknowns) {
      low[c] = Math.min(1, count[c]);
      high[c] = Infinity;
      inside[c] = 1;
      for (const e of this.equationsOf(c)) {
        if (place[e] >= 0 || termStart[e + 1] - termStart[e] > terms) continue;
        place[e] = system.length;
        system.push(e);
      }
    }
    for (const e of system) {
      for (let t = termStart[e]; t < termStart[e + 1]; t++) {
        const i = termCell[t];
        if (hidden[i] === 1 && inside[i] === 0) {
          low[i] = Math.min(1, count[i]);
          high[i] = Infinity;
        }
      }
    }
    // Each equation as from ≤ Σ k·x ≤ to: the published cells moved across, and the unpublished
    // constant taken as known when 0, as a reader may know it (a past period's notices are all
    // due), else only its sign, as of a withheld count (so at least 1, counts being integers).
    const atLeast = this.integral ? 1 : 0;
    const from = new Float64Array(system.length);
    const to = new Float64Array(system.length);
    system.forEach((e, n) => {
      let published = 0;
      for (let t = termStart[e]; t < termStart[e + 1]; t++)
        if (hidden[termCell[t]] === 0) published += termK[t] * count[termCell[t]];
      const constant = this.constant[e];
      from[n] = constant < 0 ? -Infinity : constant > 0 ? atLeast - published : -published;
      to[n] = constant > 0 ? Infinity : constant < 0 ? -atLeast - published : -published;
    });
    // A ring of the places to look at again, each in it at most once.
    const ring = system.length;
    const queue = Int32Array.from(system, (_, n) => n);
    const queued = new Uint8Array(ring).fill(1);
    let head = 0;
    let size = ring;
    let moves = MOVES_PER_CELL * unknowns.length;
    let settled = true;
    const slack = this.integral ? 0 : 1e-9;
    while (size > 0 && settled) {
      const n = queue[head];
      head = head + 1 === ring ? 0 : head + 1;
      size -= 1;
      queued[n] = 0;
      const e = system[n];
      // The least and most the terms add up to, unbounded terms counted apart.
      let least = 0;
      let most = 0;
      let leastOpen = 0;
      let mostOpen = 0;
      for (let t = termStart[e]; t < termStart[e + 1]; t++) {
        const i = termCell[t];
        if (hidden[i] === 0) continue;
        const k = termK[t];
        const lo = k > 0 ? k * low[i] : k * high[i];
        const hi = k > 0 ? k * high[i] : k * low[i];
        if (lo === -Infinity) leastOpen += 1;
        else least += lo;
        if (hi === Infinity) mostOpen += 1;
        else most += hi;
      }
      for (let t = termStart[e]; t < termStart[e + 1] && settled; t++) {
        const i = termCell[t];
        if (hidden[i] === 0 || inside[i] === 0) continue;
        const k = termK[t];
        const lo = k > 0 ? k * low[i] : k * high[i];
        const hi = k > 0 ? k * high[i] : k * low[i];
        // What the other terms leave this one: from − their most ≤ k·x ≤ to − their least.
        const othersMost =
          mostOpen - Number(hi === Infinity) > 0 ? Infinity : most - (hi === Infinity ? 0 : hi);
        const othersLeast =
          leastOpen - Number(lo === -Infinity) > 0 ? -Infinity : least - (lo === -Infinity ? 0 : lo);
        const below = k > 0 ? from[n] - othersMost : to[n] - othersLeast;
        const above = k > 0 ? to[n] - othersLeast : from[n] - othersMost;
        const lower = this.integral ? Math.ceil(below / k - 1e-9) : below / k;
        const upper = this.integral ? Math.floor(above / k + 1e-9) : above / k;
        if (lower <= low[i] + slack && upper >= high[i] - slack) continue;
        low[i] = Math.max(low[i], lower);
        high[i] = Math.min(high[i], upper);
        moves -= 1;
        // Bounds that cross cannot hold the true counts; bounds still moving may yet meet.
        settled = low[i] <= high[i] + slack && moves >= 0;
        for (const other of this.equationsOf(i)) {
          const m = place[other];
          if (m < 0 || queued[m] === 1) continue;
          queued[m] = 1;
          queue[head + size < ring ? head + size : head + size - ring] = m;
          size += 1;
        }
      }
    }
    for (const e of system) place[e] = -1;
    for (const c of unknowns) inside[c] = 0;
    return settled ? system : undefined;
  }

  /**
   * The other withheld cells of equation `e` if it would make two withheld non-zero cells equal
   * once those others are known to be 0: its unpublished part 0, its published cells adding up to
   * 0, exactly two non-zero withheld cells, on opposite sides, and the other withheld cells zeros.
   */
  equalityIn(e: number): number[] | undefined {
    const { termStart, termCell, termK, hidden, count } = this;
    if (this.constant[e] !== 0) return undefined;
    const pair: number[] = [];
    const zeros: number[] = [];
    let published = 0;
    for (let t = termStart[e]; t < termStart[e + 1]; t++) {
      const i = termCell[t];
      if (hidden[i] === 0) published += termK[t] * count[i];
      else if (count[i] === 0) zeros.push(i);
      else if (pair.push(t) > 2) return undefined;
    }
    return published === 0 && pair.length === 2 && termK[pair[0]] === -termK[pair[1]] ? zeros : undefined;
  }

  /** Local equation `e`'s number among the block's equations. */
  numberOf(e: number): number {
    return this.eqNumber[e];
  }

  /**
   * The withheld zeros linked to `c`, each with whether bounds over them all pin it at 0 (every one
   * taken as pinned if they do not settle).
   */
  zerosPinnedWith(c: number): [zero: number, pinned: boolean][] {
    const set = this.connected(c, this.inside);
    for (const cell of set) this.inside[cell] = 0;
    const settled = this.propagate(set) !== undefined;
    return set.filter((z) => this.count[z] === 0).map((z) => [z, !settled || this.meet(z)]);
  }

  /** The published cell of equation `e` smallestPublished would choose. */
  smallestPublishedIn(e: number): number | undefined {
    let best: number | undefined;
    for (let t = this.termStart[e]; t < this.termStart[e + 1]; t++) {
      const c = this.termCell[t];
      if (this.hidden[c] === 0 && (best === undefined || this.precedes(c, best))) best = c;
    }
    return best;
  }

  isZero(c: number): boolean {
    return this.count[c] === 0;
  }

  /**
   * The complement for a pinned cell: the smallest published non-zero cell of its equations, else
   * of the equations of the withheld cells in them, and so on outwards (a published zero withheld
   * beside it would add no room). A zero of its own equations if none is non-zero.
   */
  nearestComplement(pinned: number): number | undefined {
    // The cells seen are marked in `inside`, unmarked before it returns.
    const seen = this.inside;
    const visited = [pinned];
    seen[pinned] = 1;
    try {
      return this.nearestFrom(pinned, seen, visited);
    } finally {
      for (const c of visited) seen[c] = 0;
    }
  }

  private nearestFrom(pinned: number, seen: Uint8Array, visited: number[]): number | undefined {
    const { termStart, termCell, hidden } = this;
    let zero: number | undefined;
    for (let ring = [pinned]; ring.length > 0;) {
      let best: number | undefined;
      const next: number[] = [];
      for (const cell of ring) {
        for (const e of this.equationsOf(cell)) {
          for (let t = termStart[e]; t < termStart[e + 1]; t++) {
            const c = termCell[t];
            if (hidden[c] === 1) {
              if (seen[c] === 0) {
                seen[c] = 1;
                visited.push(c);
                next.push(c);
              }
            } else if (best === undefined || this.precedes(c, best)) best = c;
          }
        }
      }
      if (best !== undefined && this.count[best] !== 0) return best;
      zero ??= best;
      ring = next;
    }
    return zero;
  }

  /** smallestPublished's order: non-zero first, then the smaller count, then the lower number. */
  private precedes(a: number, b: number): boolean {
    const [x, y] = [this.count[a], this.count[b]];
    return (Number(x === 0) - Number(y === 0) || x - y || this.cells[a] - this.cells[b]) < 0;
  }
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
