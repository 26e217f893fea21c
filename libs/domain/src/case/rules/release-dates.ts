import type { CaseRecord, DecisionEvent, RequestRecord } from './case-record';

/** Each decision to honor a NOTIFICATION request: a release date given to the requesting agency. */
export function honoredNotifications(
  record: CaseRecord,
): { request: RequestRecord; decision: DecisionEvent }[] {
  return record.requests
    .filter((r) => r.received.data.requestType === 'NOTIFICATION')
    .flatMap((request) =>
      request.decisions
        .filter((d) => d.data.outcome !== 'DECLINED')
        .map((decision) => ({ request, decision })),
    );
}
