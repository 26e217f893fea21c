import fc from 'fast-check';
import { parsePeriod } from '@trust-ledger/domain';
import {
  StatisticsProjection,
  StatisticsQueries,
  SuppressionThread,
} from '@trust-ledger/projections/statistics';
import { caseCommandSequences, recordCommands } from '../projections/case-commands';
import { ordinanceAdopted } from '../violations/case-events';
import { replayOptions } from '../projections/support';
import { Harness, quietLogs } from '../violations/support';

quietLogs();

const TABLES = ['st_cases', 'st_requests', 'st_departures', 'st_transfers', 'st_ordinance'];

describe('statistics projection', () => {
  const suppression = new SuppressionThread();
  afterAll(() => suppression.close());

  it('reaches the same tables by a rebuild as incrementally, and counts late notices exactly as § 5 judges them', async () => {
    await fc.assert(
      fc.asyncProperty(
        caseCommandSequences(40),
        fc.integer({ min: 1, max: 30 }),
        fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
        replayOptions,
        async (commands, noticeHours, laterNoticeHours, replay) => {
          const h = new Harness([new StatisticsProjection()], replay).start();
          try {
            await h.adopt(
              ordinanceAdopted({ smallCellThreshold: 1, noticeDeadlineHours: noticeHours }),
              '2024-01-01T00:00:00Z',
            );
            await recordCommands(h.store, commands, () => h.caughtUp());
            // A later version, in force from the middle of the cases: a rebuild meets it in the same
            // batch as the requests whose deadlines it changes.
            if (laterNoticeHours !== undefined) {
              await h.adopt(
                ordinanceAdopted({
                  version: 2,
                  effectiveFrom: '2024-04-01T20:00:00Z',
                  smallCellThreshold: 1,
                  noticeDeadlineHours: laterNoticeHours,
                }),
                '2024-04-03T00:00:00Z',
              );
            }
            await h.tickAt('2030-01-01T00:00:00Z');
            const snapshot = () =>
              Object.fromEntries(
                TABLES.map((t) => [t, h.db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all()]),
              );
            const incremental = snapshot();
            await h.runner.rebuild('statistics');
            expect(snapshot()).toEqual(incremental);

            // Every notice deadline has passed: the year's late notices are the S5_NOTICE_NOT_GIVEN findings.
            const year = await new StatisticsQueries(h.db, suppression).forPeriod(
              parsePeriod('2024')!,
              '2030-01-01T00:00:00Z',
              null,
            );
            const late = year.rows.reduce((n, r) => n + r.noticesLate!, 0);
            const notGiven = h
              .violations()
              .filter((v) => v.ruleId === 'S5_NOTICE_NOT_GIVEN' && v.status !== 'WITHDRAWN');
            expect(late).toBe(notGiven.length);
            for (const r of year.rows) {
              expect(r.received).toBe(r.honored! + r.declined! + r.partiallyHonored! + r.pending!);
            }
          } finally {
            await h.close();
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
