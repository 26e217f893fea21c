import fc from 'fast-check';
import { RULE_IDS, RULE_SECTIONS, type RuleId } from '@trust-ledger/domain';
import type { ReadModelDb } from '@trust-ledger/projections';
import {
  ViolationQueries,
  type RegisteredViolation,
  type ViolationFilter,
  type ViolationStatus,
} from '@trust-ledger/projections/violations';
import { coveringReviewedHistories, recordReviewedHistory, reviewedHistories } from './reviewed-histories';
import { Harness, quietLogs } from './support';

quietLogs();

const STATUSES: ViolationStatus[] = ['OPEN', 'CONFIRMED', 'DISMISSED', 'REMEDIED', 'WITHDRAWN'];

/** Every combination of the list's filters over what the register holds, and a few that match nothing. */
function filtersOver(all: RegisteredViolation[]): ViolationFilter[] {
  const rules = [...new Set(all.map((v) => v.ruleId))];
  const unseen = RULE_IDS.find((rule) => !rules.includes(rule));
  const kinds: Pick<ViolationFilter, 'ruleId' | 'section'>[] = [
    {},
    ...[...rules, ...(unseen === undefined ? [] : [unseen])].map((ruleId) => ({ ruleId })),
    ...[...new Set(all.map((v) => v.section)), 12].map((section) => ({ section })),
    ...rules.map((ruleId: RuleId) => ({ ruleId, section: RULE_SECTIONS[ruleId] })),
    ...rules.map((ruleId: RuleId) => ({ ruleId, section: RULE_SECTIONS[ruleId] + 1 })),
  ];
  const filters: ViolationFilter[] = [];
  for (const agencyId of [undefined, 'agency-a', 'agency-b']) {
    for (const status of [undefined, ...STATUSES]) {
      for (const kind of kinds) filters.push({ agencyId, status, ...kind });
    }
  }
  const stream = all[0]?.streamId;
  if (stream !== undefined) {
    filters.push({ streamId: stream }, { streamId: stream, agencyId: 'agency-a', status: 'OPEN' });
  }
  return filters.map((f) => Object.fromEntries(Object.entries(f).filter(([, value]) => value !== undefined)));
}

const matches = (v: RegisteredViolation, f: ViolationFilter): boolean =>
  (f.agencyId === undefined || v.agencyId === f.agencyId) &&
  (f.status === undefined || v.status === f.status) &&
  (f.ruleId === undefined || v.ruleId === f.ruleId) &&
  (f.section === undefined || v.section === f.section) &&
  (f.streamId === undefined || v.streamId === f.streamId);

/** The plan of every list statement the queries prepare, by its SQL. */
function planning(db: ReadModelDb): { queries: ViolationQueries; plans: Map<string, string> } {
  const plans = new Map<string, string>();
  const queries = new ViolationQueries(
    new Proxy(db, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (property !== 'prepare') {
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        }
        return (sql: string) => {
          if (sql.includes('LIMIT')) {
            const detail = target.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(
              ...sql
                .split('?')
                .slice(1)
                .map(() => null),
            ) as { detail: string }[];
            plans.set(sql, detail.map((step) => step.detail).join('; '));
          }
          return target.prepare(sql);
        };
      },
    }),
  );
  return { queries, plans };
}

describe('the violation list', () => {
  it('pages exactly the violations each combination of filters names', async () => {
    // How many listed violations the runs compared, and of how many statuses.
    let listed = 0;
    const statuses = new Set<string>();
    await fc.assert(
      fc.asyncProperty(reviewedHistories, fc.integer({ min: 1, max: 3 }), async (history, pageSize) => {
        const h = new Harness().start();
        try {
          await recordReviewedHistory(h, history);

          const all = h.violations();
          for (const v of all) statuses.add(v.status);
          const pages = (filter: ViolationFilter): string[] => {
            const ids: string[] = [];
            let after: number | null = null;
            for (;;) {
              const page = h.queries.list(filter, after, pageSize);
              ids.push(...page.items.map((v) => v.violationId));
              if (page.next === null) return ids;
              after = page.next;
            }
          };
          for (const filter of filtersOver(all)) {
            const expected = all.filter((v) => matches(v, filter)).map((v) => v.violationId);
            expect({ filter, ids: pages(filter) }).toEqual({ filter, ids: expected });
            listed += expected.length;
          }
        } finally {
          await h.close();
        }
      }),
      {
        numRuns: coveringReviewedHistories.length + 20,
        // Violations in every status, whatever the draw: twenty random runs alone drew no CONFIRMED
        // about once in a hundred suites.
        examples: coveringReviewedHistories.map((history, i) => [history, 1 + (i % 3)]),
      },
    );
    expect(listed).toBeGreaterThan(500);
    // Every status filter was compared on a register that held violations in that status.
    expect([...statuses].sort()).toEqual([...STATUSES].sort());
  });

  it('reads each combination from an index on exactly its columns, in the list’s order', async () => {
    const h = new Harness();
    try {
      h.register.setup(h.db);
      const { queries, plans } = planning(h.db);
      const combos: ViolationFilter[] = [];
      for (const agencyId of [undefined, 'agency-a']) {
        for (const status of [undefined, 'OPEN' as const]) {
          for (const kind of [{}, { ruleId: RULE_IDS[0] }, { section: 3 }]) {
            combos.push({ agencyId, status, ...kind });
          }
        }
      }
      for (const filter of combos) queries.list(filter, null, 10);
      queries.list({ streamId: 'case-1', agencyId: 'agency-a', status: 'OPEN' }, null, 10);
      expect([...plans.values()]).toEqual([
        'SEARCH violations USING INTEGER PRIMARY KEY (rowid>?)',
        'SEARCH violations USING INDEX violations_rule (rule_id=? AND seq>?)',
        'SEARCH violations USING INDEX violations_section (section=? AND seq>?)',
        'SEARCH violations USING INDEX violations_status (status=? AND seq>?)',
        'SEARCH violations USING INDEX violations_status_rule (status=? AND rule_id=? AND seq>?)',
        'SEARCH violations USING INDEX violations_status_section (status=? AND section=? AND seq>?)',
        'SEARCH violations USING INDEX violations_agency (agency_id=? AND seq>?)',
        'SEARCH violations USING INDEX violations_agency_rule (agency_id=? AND rule_id=? AND seq>?)',
        'SEARCH violations USING INDEX violations_agency_section (agency_id=? AND section=? AND seq>?)',
        'SEARCH violations USING INDEX violations_agency_status (agency_id=? AND status=? AND seq>?)',
        'SEARCH violations USING INDEX violations_agency_status_rule (agency_id=? AND status=? AND rule_id=? AND seq>?)',
        'SEARCH violations USING INDEX violations_agency_status_section (agency_id=? AND status=? AND section=? AND seq>?)',
        // A stream's few violations, whatever else is asked.
        'SEARCH violations USING INDEX violations_stream (stream_id=? AND status=? AND rowid>?)',
      ]);
    } finally {
      await h.close();
    }
  });
});
