import { sectionInForce, versionInForceAt, type OrdinanceHistory } from '../ordinance/ordinance-version';
import { evidenceOf, type DetectedViolation, type Recorded, type RuleId } from '../shared/violation';
import type { EncounterEvent, EncounterGround, EncounterRecorded, PersonRole } from './encounter.events';

const STATUS_GROUNDS: readonly EncounterGround[] = ['IMMIGRATION_STATUS', 'CIVIL_IMMIGRATION_WARRANT'];
const PROTECTED_ROLES: readonly PersonRole[] = ['VICTIM', 'WITNESS', 'CALLER'];

/**
 * § 1 violations on an encounter's stream, judged by the version in force when it happened. No
 * § 1 rule waits for a deadline, so `now` is not needed.
 */
export function evaluateEncounterRules(
  history: readonly Recorded<EncounterEvent>[],
  ordinance: OrdinanceHistory,
): DetectedViolation[] {
  return history.flatMap((e) => judgeEncounter(e, ordinance));
}

function judgeEncounter(e: Recorded<EncounterRecorded>, ordinance: OrdinanceHistory): DetectedViolation[] {
  const { occurredAt, grounds, personRole, statusInquiry } = e.data;
  const version = versionInForceAt(ordinance, occurredAt);
  if (!sectionInForce(version, 1)) return [];
  const violation = (ruleId: RuleId, explanation: string): DetectedViolation => ({
    ruleId,
    section: 1,
    streamId: e.streamId,
    requestId: null,
    occurredAt,
    ordinanceVersion: version.version,
    evidence: [evidenceOf(e)],
    explanation,
  });
  const found: DetectedViolation[] = [];
  if (grounds.length > 0 && grounds.every((g) => STATUS_GROUNDS.includes(g))) {
    found.push(
      violation(
        'S1_STOP_BASED_SOLELY_ON_STATUS',
        `A ${e.data.kind} whose only grounds were ${grounds.join(' and ')}: suspected immigration status alone.`,
      ),
    );
  }
  if (
    statusInquiry?.asked &&
    statusInquiry.justification === 'NONE' &&
    PROTECTED_ROLES.includes(personRole)
  ) {
    found.push(
      violation(
        'S1_VICTIM_WITNESS_STATUS_INQUIRY',
        `Immigration status was asked of a ${personRole} with no necessity to investigate unrelated criminal activity.`,
      ),
    );
  }
  return found;
}
