import { sectionInForce, versionInForceAt, type OrdinanceHistory } from '../../ordinance/ordinance-version';
import type { DetectedViolation } from '../../shared/violation';
import type { InformationCategory } from '../../shared/vocabulary';
import { requestById, timesAmended, type CaseRecord } from './case-record';
import { detected } from './detected';
import { honoredNotifications } from './release-dates';
import { coversAct, warrantCovers } from './judicial-warrant';

/**
 * § 3: no sharing of non-public sensitive information without a judicial warrant. What § 13
 * protects (citizenship or immigration status) and what is public are never a § 3 matter.
 */
const NOT_SENSITIVE: readonly InformationCategory[] = [
  'CITIZENSHIP_OR_IMMIGRATION_STATUS',
  'PUBLICLY_AVAILABLE',
];

export function section3Violations(record: CaseRecord, ordinance: OrdinanceHistory): DetectedViolation[] {
  const disclosures = record.disclosures.flatMap((disclosure) => {
    const { disclosedAt, recipientAgency, categories, requestId } = disclosure.data;
    const version = versionInForceAt(ordinance, disclosedAt);
    const sensitive = categories.filter((c) => !NOT_SENSITIVE.includes(c));
    if (!sectionInForce(version, 3) || sensitive.length === 0) return [];
    const request = requestById(record, requestId);
    if (request && coversAct(request.received.data, recipientAgency, version, disclosedAt)) return [];
    return [
      detected('S3_SENSITIVE_INFORMATION_DISCLOSED', version, {
        act: disclosure,
        occurredAt: disclosedAt,
        requestId,
        alsoCites: [request?.received],
        explanation: `${sensitive.join(', ')} disclosed to ${recipientAgency} without a judicial warrant.`,
      }),
    ];
  });

  // Honoring a notification request is telling the agency when the person will be released: once,
  // at the decision that began the honoring, judged then; amendments that kept it honored are cited.
  const notifications = honoredNotifications(record).flatMap(({ request, decision, keptBy }) => {
    const { decidedAt, outcome } = decision.data;
    const version = versionInForceAt(ordinance, decidedAt);
    if (!sectionInForce(version, 3) || warrantCovers(request.received.data, version, decidedAt)) return [];
    return [
      detected('S3_SENSITIVE_INFORMATION_DISCLOSED', version, {
        act: decision,
        occurredAt: decidedAt,
        requestId: request.received.data.requestId,
        alsoCites: [request.received, ...keptBy],
        explanation:
          `A NOTIFICATION request from ${request.received.data.requestingAgency} was decided ${outcome}, disclosing RELEASE_DATE without a judicial warrant.` +
          (keptBy.length > 0
            ? ` Amended ${timesAmended(keptBy)}, it stood ${keptBy[keptBy.length - 1].data.outcome}: the release date was given once, at that decision.`
            : ''),
      }),
    ];
  });
  return [...disclosures, ...notifications];
}
