import { sectionInForce, versionInForceAt, type OrdinanceHistory } from '../../ordinance/ordinance-version';
import type { DetectedViolation } from '../../shared/violation';
import type { InformedConsent } from '../case.events';
import { requestById, type CaseRecord } from './case-record';
import { detected } from './detected';
import { coversAct } from './judicial-warrant';

/** § 4: no access to people in custody for civil immigration questioning without a judicial warrant. */
export function section4Violations(record: CaseRecord, ordinance: OrdinanceHistory): DetectedViolation[] {
  return record.accessGrants.flatMap((access) => {
    const { purpose, grantedAt, requestId, agency, consent } = access.data;
    const version = versionInForceAt(ordinance, grantedAt);
    if (purpose !== 'CIVIL_IMMIGRATION' || !sectionInForce(version, 4)) return [];
    const request = requestById(record, requestId);
    const violations: DetectedViolation[] = [];
    if (!(request && coversAct(request.received.data, agency, version, grantedAt))) {
      violations.push(
        detected('S4_CUSTODY_ACCESS_WITHOUT_JUDICIAL_WARRANT', version, {
          act: access,
          occurredAt: grantedAt,
          requestId,
          alsoCites: [request?.received],
          explanation: `${agency} was given access for civil immigration purposes without a judicial warrant.`,
        }),
      );
    }
    const missing = consentMissing(consent);
    if (missing.length > 0) {
      violations.push(
        detected('S4_INTERVIEW_WITHOUT_INFORMED_CONSENT', version, {
          act: access,
          occurredAt: grantedAt,
          requestId,
          alsoCites: [],
          explanation: `${agency} was given access for civil immigration purposes without informed consent: ${missing.join('; ')}.`,
        }),
      );
    }
    return violations;
  });
}

/** What informed consent lacked: it must be written, say it is voluntary and say the person may have an attorney. */
function consentMissing(consent: InformedConsent | null): string[] {
  if (!consent) return ['no consent recorded'];
  return [
    ...(consent.written ? [] : ['not written']),
    ...(consent.toldVoluntary ? [] : ['not told it is voluntary']),
    ...(consent.toldMayHaveAttorney ? [] : ['not told of the right to an attorney']),
  ];
}
