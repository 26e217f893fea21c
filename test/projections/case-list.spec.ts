import fc from 'fast-check';
import { CaseViewProjection, CaseViewQueries } from '@trust-ledger/projections';
import { listedCaseIds } from '../support/case-list-pages';
import { Harness, quietLogs } from '../violations/support';
import { caseCommandSequences, recordCommands } from './case-commands';

quietLogs();

const REQUEST_TYPES = ['DETAINER', 'NOTIFICATION', 'TRANSFER', 'INFORMATION'] as const;

describe('the case list filtered by request type', () => {
  it('pages exactly the cases the filter names, alone, with an agency and with a status', async () => {
    // How many listed cases the runs compared, so that the property cannot pass on empty lists.
    let listed = 0;
    await fc.assert(
      fc.asyncProperty(
        caseCommandSequences(40),
        fc.integer({ min: 1, max: 3 }),
        async (commands, pageSize) => {
          const h = new Harness([new CaseViewProjection()]).start();
          try {
            await recordCommands(h.store, commands);
            await h.caughtUp();
            const queries = new CaseViewQueries(h.db);
            const all = queries.list({}, 0, 500).items.map((c) => c.record);
            for (const requestType of REQUEST_TYPES) {
              for (const agencyId of [undefined, 'agency-a', 'agency-b']) {
                for (const status of [undefined, 'OPEN' as const, 'CLOSED' as const]) {
                  const expected = all
                    .filter((c) => c.requests.some((r) => r.requestType === requestType))
                    .filter((c) => agencyId === undefined || c.agencyId === agencyId)
                    .filter((c) => status === undefined || c.status === status)
                    .map((c) => c.caseId);
                  expect(listedCaseIds(queries, { requestType, agencyId, status }, pageSize)).toEqual(
                    expected,
                  );
                  listed += expected.length;
                }
              }
            }
          } finally {
            await h.close();
          }
        },
      ),
      { numRuns: 25 },
    );
    expect(listed).toBeGreaterThan(100);
  });
});
