import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import {
  ORDINANCE_SECTIONS,
  violationActOf,
  type OrdinanceSection,
  type ReviewStatus,
} from '@trust-ledger/domain';
import { MatterViewProjection } from '@trust-ledger/projections/institutional';
import {
  encounterCommandSequences,
  matterCommandSequences,
  recordEncounterCommands,
  recordMatterCommands,
} from '../projections/institutional-commands';
import { ordinanceAdopted } from './case-events';
import { Harness, quietLogs } from './support';

quietLogs();

/** After each append, counsel may review the first violation still unresolved. */
const reviewsAfterAppends = fc.array(
  fc.option(fc.constantFrom<ReviewStatus>('CONFIRMED', 'DISMISSED', 'REMEDIED'), { nil: undefined }),
  { minLength: 1, maxLength: 8 },
);

/**
 * A later version adopted part-way through, with sections out of force: what it no longer judges a
 * violation is withdrawn, whatever counsel concluded.
 */
const laterVersion = fc.option(
  fc.record({
    afterAppend: fc.nat(20),
    sectionsInForce: fc.subarray([...ORDINANCE_SECTIONS], { minLength: 1 }),
  }),
  { nil: undefined },
);

/**
 * The coverage checked after the runs, made certain rather than left to the draw (forty random runs
 * drew no OPEN or no CONFIRMED violation about once in sixty suites): one sequence, drawn from a
 * fixed seed, that meets rules of §§ 1, 6, 7, 8 and 10, reviewed so that violations end OPEN and
 * CONFIRMED, then DISMISSED and REMEDIED, then re-judged by a later version without § 8 (WITHDRAWN).
 */
const [[encounters, matters]] = fc.sample(fc.tuple(encounterCommandSequences(), matterCommandSequences()), {
  seed: 4,
  numRuns: 1,
});
const COVERING: [
  typeof encounters,
  typeof matters,
  (ReviewStatus | undefined)[],
  { afterAppend: number; sectionsInForce: OrdinanceSection[] } | undefined,
][] = [
  [encounters, matters, ['CONFIRMED'], undefined],
  [encounters, matters, ['DISMISSED', 'REMEDIED'], undefined],
  [
    encounters,
    matters,
    [undefined],
    { afterAppend: 20, sectionsInForce: ORDINANCE_SECTIONS.filter((s) => s !== 8) },
  ],
];
const RANDOM_RUNS = 40;

describe('rebuilding from encounters, matters and counsel’s reviews', () => {
  it('reaches the same register and matter views by a rebuild as incrementally, and a second rebuild changes nothing', async () => {
    const rulesSeen = new Set<string>();
    const statusesSeen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        encounterCommandSequences(),
        matterCommandSequences(),
        reviewsAfterAppends,
        laterVersion,
        async (encounters, matters, reviews, later) => {
          const h = new Harness([new MatterViewProjection()]).start();
          const state = () => ({
            register: h.snapshot(),
            matters: h.db.prepare('SELECT * FROM matter_views ORDER BY seq').all(),
          });
          try {
            await h.adopt(ordinanceAdopted(), '2024-01-01T00:00:00Z');
            let appends = 0;
            const afterAppend = async (position: string): Promise<void> => {
              const [last] = (await h.events()).filter((e) => e.position === position);
              const { recordedAt } = last.metadata;
              const review = reviews[appends % reviews.length];
              if (review !== undefined) {
                await h.caughtUp();
                const unresolved = h
                  .violations()
                  .find((v) => v.status === 'OPEN' || v.status === 'CONFIRMED');
                if (unresolved !== undefined) {
                  // Every other one as a rebuild under rules citing other events finds it: under an id
                  // the register does not hold, beside the act the violation judged.
                  const id = appends % 2 === 0 ? unresolved.violationId : randomUUID();
                  const act = violationActOf(unresolved);
                  await h.review(id, review, `${review} on review`, recordedAt, act);
                }
              }
              if (later !== undefined && appends === later.afterAppend) {
                await h.adopt(
                  ordinanceAdopted({
                    version: 2,
                    effectiveFrom: '2024-01-01T00:00:00Z',
                    sectionsInForce: later.sectionsInForce,
                  }),
                  recordedAt,
                );
              }
              appends += 1;
            };
            await recordEncounterCommands(h.store, encounters, afterAppend);
            await recordMatterCommands(h.store, matters, afterAppend);
            // And one it cannot apply, of an act it holds no violation of.
            await h.review(randomUUID(), 'CONFIRMED', 'Of no act held', '2024-12-31T00:00:00Z', {
              ruleId: 'S1_STOP_BASED_SOLELY_ON_STATUS',
              streamId: 'encounter-none',
              act: 'encounter-none',
            });
            await h.caughtUp();
            const incremental = state();
            // Each review found its violation, by id or by act, but that last one.
            expect(incremental.register.vr_unapplied_reviews).toHaveLength(1);
            for (const v of h.violations()) {
              rulesSeen.add(v.ruleId);
              statusesSeen.add(v.status);
            }

            await h.expectRebuildsToReach(incremental, state);
          } finally {
            await h.close();
          }
        },
      ),
      { numRuns: COVERING.length + RANDOM_RUNS, examples: COVERING },
    );
    // The runs met rules of §§ 1, 6, 7, 8 and 10, and every way a violation can stand.
    const sectionsSeen = new Set([...rulesSeen].map((ruleId) => ruleId.split('_')[0]));
    expect([...sectionsSeen]).toEqual(expect.arrayContaining(['S1', 'S6', 'S7', 'S8', 'S10']));
    expect([...statusesSeen]).toEqual(
      expect.arrayContaining(['OPEN', 'CONFIRMED', 'DISMISSED', 'REMEDIED', 'WITHDRAWN']),
    );
    // Its 43 runs took 15–23 s here (two shared cores), against jest's default 30 s: a limit that
    // close checks the machine's speed, which is the benchmarks' job, not this property's.
  }, 180_000);
});
