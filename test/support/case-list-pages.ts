import type { CaseListFilter, CaseViewQueries } from '@trust-ledger/projections';

/** The ids of the cases the list gives for `filter`, page by page (`pageSize` each) to the last. */
export function listedCaseIds(queries: CaseViewQueries, filter: CaseListFilter, pageSize: number): string[] {
  const ids: string[] = [];
  let after = 0;
  for (;;) {
    const page = queries.list(filter, after, pageSize);
    ids.push(...page.items.map((c) => c.record.caseId));
    if (page.nextCursor === null) return ids;
    after = Number(page.nextCursor);
  }
}
