import fc from 'fast-check';
import { ORDINANCE_SECTIONS } from '@trust-ledger/domain';
import { caseCommandSequences, recordCommands } from '../projections/case-commands';
import { ordinanceAdopted } from './case-events';
import { Harness, quietLogs } from './support';

quietLogs();

const HOUR = 3_600_000;

/** A later ordinance version adopted part-way through, re-judging part of what came before. */
const laterVersion = fc.option(
  fc.record({
    afterAppend: fc.nat(30),
    effectiveFromHours: fc.integer({ min: 0, max: 48 }),
    noticeDeadlineHours: fc.integer({ min: 1, max: 48 }),
    sectionsInForce: fc.subarray([...ORDINANCE_SECTIONS], { minLength: 1 }),
  }),
  { nil: undefined },
);

describe('violation register rebuild', () => {
  it('reaches the same register by a rebuild as by incremental processing, and a second rebuild changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        caseCommandSequences(40),
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 10 }),
        laterVersion,
        async (commands, tickHours, later) => {
          const h = new Harness().start();
          try {
            await h.adopt(ordinanceAdopted(), '2024-01-01T00:00:00Z');
            let appends = 0;
            await recordCommands(h.store, commands, async (position) => {
              const [last] = await h.events().then((all) => all.filter((e) => e.position === position));
              const recordedAt = Date.parse(last.metadata.recordedAt);
              const hours = tickHours[appends % tickHours.length];
              if (hours > 0) await h.tickAt(new Date(recordedAt + hours * HOUR).toISOString());
              if (later !== undefined && appends === later.afterAppend) {
                await h.adopt(
                  ordinanceAdopted({
                    version: 2,
                    effectiveFrom: new Date(
                      Date.parse('2024-04-01T00:00:00Z') + later.effectiveFromHours * HOUR,
                    ).toISOString(),
                    noticeDeadlineHours: later.noticeDeadlineHours,
                    sectionsInForce: later.sectionsInForce,
                  }),
                  new Date(recordedAt).toISOString(),
                );
              }
              appends += 1;
            });
            await h.tickAt('2030-01-01T00:00:00Z');
            const incremental = h.snapshot();

            await h.runner.rebuild('violation-register');
            expect(h.snapshot()).toEqual(incremental);
            await h.runner.rebuild('violation-register');
            expect(h.snapshot()).toEqual(incremental);
          } finally {
            await h.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  });
});
