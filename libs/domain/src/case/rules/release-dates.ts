import { honoringsOf, type CaseRecord, type DecisionEvent, type RequestRecord } from './case-record';

/**
 * Each honoring of a NOTIFICATION request: a release date given to the requesting agency by the
 * decision that began it. The amendments that kept it honored gave nothing new: they are cited as
 * its evidence, not judged as release dates given again.
 */
export function honoredNotifications(
  record: CaseRecord,
): { request: RequestRecord; decision: DecisionEvent; keptBy: DecisionEvent[] }[] {
  return record.requests
    .filter((r) => r.received.data.requestType === 'NOTIFICATION')
    .flatMap((request) =>
      honoringsOf(request).map(([decision, ...keptBy]) => ({ request, decision, keptBy })),
    );
}
