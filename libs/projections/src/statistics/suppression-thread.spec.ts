import { MessageChannel, type Worker } from 'node:worker_threads';
import { FEDERAL_AGENCIES, ORDINANCE_SECTIONS, REQUEST_TYPES } from '@trust-ledger/domain';
import {
  periodsOfYear,
  STATISTICS_FIELDS,
  suppressTogether,
  type ScopeStatistics,
  type StatisticsCounts,
} from './statistics-row';
import { suppressionTask, type SuppressionTask } from './suppression-decision';
import { SuppressionThread } from './suppression-thread';

const ZERO = Object.fromEntries(STATISTICS_FIELDS.map((f) => [f, 0])) as StatisticsCounts;
const NO_SECTIONS = Object.fromEntries(ORDINANCE_SECTIONS.map((s) => [String(s), 0]));

/** One period's counts by scope, as StatisticsQueries keeps them: rows by `agency/type`, and sections. */
interface CountedPeriod {
  rows: Map<string, Map<string, StatisticsCounts>>;
  sections: Map<string, Record<string, number>>;
}

interface Year {
  periods: ReturnType<typeof periodsOfYear>;
  agencies: string[];
  counted: Map<string, CountedPeriod>;
  threshold: number;
}

function rng(seed: number): (n: number) => number {
  let state = seed;
  // The high bits: an LCG's low bits repeat with a short period.
  return (n) => Math.floor(((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n);
}

/**
 * A seeded year of counts as StatisticsQueries counts them: each month's rows and sections for the
 * agencies that recorded something that month (small counts, many zeros), the jurisdiction's their
 * sums, and the quarters' and the year's the sums of their months.
 */
function randomYear(seed: number, agencyCount: number, threshold: number): Year {
  const next = rng(seed);
  const periods = periodsOfYear(2024);
  const agencies = Array.from({ length: agencyCount }, (_, i) => `agency-${i}`);
  const counted = new Map<string, CountedPeriod>();
  const add = (period: CountedPeriod, scope: string, key: string, counts: StatisticsCounts): void => {
    if (!period.rows.has(scope)) period.rows.set(scope, new Map());
    const row = period.rows.get(scope)!;
    const sum = { ...(row.get(key) ?? ZERO) };
    for (const f of STATISTICS_FIELDS) sum[f] += counts[f];
    row.set(key, sum);
  };
  const addSections = (period: CountedPeriod, scope: string, counts: Record<string, number>): void => {
    const sum = { ...(period.sections.get(scope) ?? NO_SECTIONS) };
    for (const [k, n] of Object.entries(counts)) sum[k] += n;
    period.sections.set(scope, sum);
  };
  const empty = (): CountedPeriod => ({ rows: new Map(), sections: new Map() });
  for (const { label, parts } of [...periods].reverse()) {
    const period = empty();
    if (parts.length === 0) {
      // null: requests on cases with no agency, counted in the jurisdiction's statistics alone.
      for (const agency of [...agencies, null]) {
        if (next(4) === 0) continue; // recorded nothing this month
        const scopes = agency === null ? [''] : ['', agency];
        for (let r = next(4); r > 0; r--) {
          const key = `${FEDERAL_AGENCIES[next(FEDERAL_AGENCIES.length)]}/${REQUEST_TYPES[next(REQUEST_TYPES.length)]}`;
          const counts = Object.fromEntries(
            STATISTICS_FIELDS.map((f) => [f, next(3) === 0 ? 0 : next(9)]),
          ) as StatisticsCounts;
          for (const scope of scopes) add(period, scope, key, counts);
        }
        const sections = { '2': next(4), '5': next(6) };
        for (const scope of scopes) addSections(period, scope, sections);
      }
    } else {
      for (const part of parts) {
        const { rows, sections } = counted.get(part)!;
        for (const [scope, byRow] of rows) for (const [key, counts] of byRow) add(period, scope, key, counts);
        for (const [scope, counts] of sections) addSections(period, scope, counts);
      }
    }
    counted.set(label, period);
  }
  return { periods, agencies, counted, threshold };
}

/** The year's task, as StatisticsQueries sends it. */
const taskOf = ({ periods, agencies, threshold, counted }: Year): SuppressionTask =>
  suppressionTask(periods, agencies, threshold, counted);

/** suppressTogether in this thread, over the year's counts read as StatisticsQueries read them. */
function inThread({ periods, agencies, counted, threshold }: Year) {
  return suppressTogether(
    periods,
    agencies,
    (period, scope, agency, type) => counted.get(period)!.rows.get(scope)?.get(`${agency}/${type}`) ?? ZERO,
    (period, scope) => counted.get(period)!.sections.get(scope) ?? NO_SECTIONS,
    threshold,
  );
}

/** Every period's statistics in every scope. */
function everySlice(
  { periods, agencies }: Pick<Year, 'periods' | 'agencies'>,
  decided: (period: string, scope: string) => ScopeStatistics,
): ScopeStatistics[] {
  return periods.flatMap(({ label }) => ['', ...agencies].map((scope) => decided(label, scope)));
}

describe('SuppressionThread', () => {
  const thread = new SuppressionThread();
  afterAll(() => thread.close());

  it('decides as suppressTogether does in this thread, for seeded random years', async () => {
    for (const [seed, agencies, threshold] of [
      [1, 0, 5],
      [2, 1, 3],
      [3, 4, 5],
      [4, 7, 2],
      [5, 12, 11],
      [6, 5, 1],
    ]) {
      const year = randomYear(seed, agencies, threshold);
      const expected = everySlice(year, inThread(year));
      // Something is withheld, or the comparison would prove little.
      if (threshold > 1) expect(expected.some((s) => s.rows.some((r) => r.suppressed.length > 0))).toBe(true);
      expect(everySlice(year, await thread.decide(taskOf(year)))).toEqual(expected);
    }
  });

  it('keeps the event loop turning while a large decision runs', async () => {
    // The worker started and warmed up: what follows is the decision alone.
    await thread.decide(taskOf(randomYear(7, 2, 5)));
    const year = randomYear(8, 25, 5);
    let decided = false;
    // A cheap request (a message round trip) sent as the decision starts, and turns of the event
    // loop counted until it ends: on this thread, the decision would hold both until it was made.
    const { port1, port2 } = new MessageChannel();
    port2.on('message', (data: string) => port2.postMessage(data));
    const answered = new Promise<boolean>((resolve) => port1.once('message', () => resolve(decided)));
    port1.postMessage('ping');
    const deciding = thread.decide(taskOf(year)).then((decision) => {
      decided = true;
      return decision;
    });
    let turns = 0;
    while (!decided) {
      await new Promise((resolve) => setImmediate(resolve));
      turns += 1;
    }
    const answeredWhileDeciding = !(await answered);
    port1.close();
    port2.close();
    expect(answeredWhileDeciding).toBe(true);
    expect(turns).toBeGreaterThan(1);
    expect(everySlice(year, await deciding)).toEqual(everySlice(year, inThread(year)));
  });

  it('rejects a task that fails, and decides the next', async () => {
    const year = randomYear(9, 2, 5);
    // The counts of a year with one agency fewer.
    const failing = { ...taskOf(year), agencies: year.agencies.slice(1) };
    await expect(thread.decide(failing)).rejects.toThrow(/not those of 17 periods of 1 agencies/);
    expect(everySlice(year, await thread.decide(taskOf(year)))).toEqual(everySlice(year, inThread(year)));
  });

  it('rejects the tasks of a worker that dies, and starts another for the next', async () => {
    const year = randomYear(10, 6, 5);
    const deciding = thread.decide(taskOf(year));
    // As a crash would (out of memory, a native fault): the worker ends mid-decision.
    await (thread as unknown as { worker: Worker }).worker.terminate();
    await expect(deciding).rejects.toThrow(/suppression worker stopped/);
    expect(everySlice(year, await thread.decide(taskOf(year)))).toEqual(everySlice(year, inThread(year)));
  });

  it('rejects tasks once closed', async () => {
    const closed = new SuppressionThread();
    const task = taskOf(randomYear(11, 1, 5));
    await closed.decide(task);
    await closed.close();
    await expect(closed.decide(task)).rejects.toThrow(/closed/);
  });
});
