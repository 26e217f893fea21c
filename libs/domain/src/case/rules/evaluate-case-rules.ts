import type { OrdinanceHistory } from '../../ordinance/ordinance-version';
import { RULE_IDS, type DetectedViolation, type Recorded } from '../../shared/violation';
import { epochMsOf } from '../../shared/date-time';
import type { CaseEvent } from '../case.events';
import { caseRecordOf, type CaseRecord } from './case-record';
import { section2Violations } from './s2-detainers';
import { section3Violations } from './s3-disclosures';
import { section4Violations } from './s4-custody-access';
import { noticeDeadlines, section5Violations, type NoticeDeadline } from './s5-notices';

/**
 * From one reading of the case's recorded facts (the register asks at every event):
 * - `violations`: every violation of §§ 2–5 they show as of `now`, each judged under the ordinance
 *   version in force when its act happened; ordered by when the act happened, then by the act's
 *   revision, then by rule, so the same facts always give the same list;
 * - `deadlines`: the moments at which those may change with nothing new recorded, the notice
 *   deadlines not yet met, oldest first (the scheduler re-judges the case at those still ahead).
 */
export function judgeCase(
  history: readonly Recorded<CaseEvent>[],
  ordinance: OrdinanceHistory,
  now: string,
): { violations: DetectedViolation[]; deadlines: string[] } {
  const record = caseRecordOf(history);
  const notices = noticeDeadlines(record, ordinance);
  return { violations: violationsIn(record, ordinance, now, notices), deadlines: pendingOf(notices) };
}

function violationsIn(
  record: CaseRecord,
  ordinance: OrdinanceHistory,
  now: string,
  notices: readonly NoticeDeadline[],
): DetectedViolation[] {
  return [
    ...section2Violations(record, ordinance),
    ...section3Violations(record, ordinance),
    ...section4Violations(record, ordinance),
    ...section5Violations(record, ordinance, now, notices),
  ].sort(
    (a, b) =>
      epochMsOf(a.occurredAt) - epochMsOf(b.occurredAt) ||
      a.evidence[0].revision - b.evidence[0].revision ||
      RULE_IDS.indexOf(a.ruleId) - RULE_IDS.indexOf(b.ruleId),
  );
}

function pendingOf(notices: readonly NoticeDeadline[]): string[] {
  const pending = notices.filter((d) => !d.met).map((d) => new Date(epochMsOf(d.at)).toISOString());
  return [...new Set(pending)].sort();
}
