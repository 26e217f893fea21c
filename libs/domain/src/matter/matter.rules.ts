import { sectionInForce, versionInForceAt, type OrdinanceHistory } from '../ordinance/ordinance-version';
import { isBefore } from '../shared/date-time';
import {
  evidenceOf,
  RULE_SECTIONS,
  type DetectedViolation,
  type Recorded,
  type RuleId,
} from '../shared/violation';
import type {
  LegalBasis,
  MatterAction,
  MatterActionRecorded,
  MatterEvent,
  MatterKind,
  MatterOpened,
  MatterRequestingAgency,
} from './matter.events';

const STUDENT_MATTERS: readonly MatterKind[] = ['STUDENT_RECORDS_REQUEST', 'SCHOOL_ACCESS_REQUEST'];
const IMMIGRATION_AGENCIES: readonly (MatterRequestingAgency | null)[] = ['ICE', 'CBP', 'DHS_OTHER'];
/** What federal law allows a school to answer: the parents' consent or a court's command. */
const STUDENT_RELEASE_BASES: readonly LegalBasis[] = [
  'PARENTAL_CONSENT',
  'JUDICIAL_WARRANT',
  'COURT_ORDER',
  'JUDICIAL_SUBPOENA',
];
const COURT_COMPULSION: readonly LegalBasis[] = ['COURT_ORDER', 'JUDICIAL_SUBPOENA'];
const LAWFUL_REQUIREMENT: readonly LegalBasis[] = ['REQUIRED_BY_LAW', 'ELIGIBILITY_RULE'];

interface Judged {
  ruleId: RuleId;
  explanation: string;
}

/**
 * §§ 6, 7, 8 and 10 violations on a matter's stream: each action is an act, judged by the version
 * in force at its `at`. No rule here waits for a deadline, so `now` is not needed.
 */
export function evaluateMatterRules(
  history: readonly Recorded<MatterEvent>[],
  ordinance: OrdinanceHistory,
): DetectedViolation[] {
  const opened = history.find((e): e is Recorded<MatterOpened> => e.type === 'MatterOpened');
  if (!opened) return [];
  const actions = history.filter(
    (e): e is Recorded<MatterActionRecorded> => e.type === 'MatterActionRecorded',
  );
  return actions.flatMap((action) => {
    const version = versionInForceAt(ordinance, action.data.at);
    if (!version) return [];
    return judge(opened.data, action.data, actions)
      .filter(({ ruleId }) => sectionInForce(version, RULE_SECTIONS[ruleId]))
      .map(({ ruleId, explanation }) => ({
        ruleId,
        section: RULE_SECTIONS[ruleId],
        streamId: action.streamId,
        requestId: null,
        occurredAt: action.data.at,
        ordinanceVersion: version.version,
        evidence: [evidenceOf(action), evidenceOf(opened)],
        explanation,
      }));
  });
}

function judge(
  matter: MatterOpened['data'],
  act: MatterActionRecorded['data'],
  actions: readonly Recorded<MatterActionRecorded>[],
): Judged[] {
  const does = (...a: MatterAction[]) => a.includes(act.action);
  const cited = act.citation != null && act.citation.trim() !== '';
  const found: Judged[] = [];
  if (
    matter.kind === 'REGISTRY_REQUEST' &&
    does('PARTICIPATED', 'DISCLOSED') &&
    act.legalBasis !== 'AGGREGATE_DATA_ONLY'
  ) {
    found.push({
      ruleId: 'S6_REGISTRY_PARTICIPATION',
      explanation: `${act.action} in a registry request with legal basis ${act.legalBasis}: local resources may not serve such a registry beyond aggregate data.`,
    });
  }
  if (
    matter.kind === 'STATUS_COLLECTION' &&
    does('COLLECTED') &&
    !(LAWFUL_REQUIREMENT.includes(act.legalBasis) && cited)
  ) {
    found.push({
      ruleId: 'S7_UNNECESSARY_STATUS_COLLECTION',
      explanation: `Immigration-related information was collected with legal basis ${act.legalBasis}${cited ? '' : ' and no citation'}: collection needs a cited law or eligibility rule.`,
    });
  }
  if (
    matter.kind === 'SERVICE_DENIAL' &&
    does('SERVICE_DENIED') &&
    (matter.denialReason === 'IMMIGRATION_STATUS' || matter.denialReason === 'FOREIGN_GOVERNMENT_ID') &&
    !(LAWFUL_REQUIREMENT.includes(act.legalBasis) && cited)
  ) {
    found.push({
      ruleId: 'S7_SERVICE_DENIED_ON_STATUS',
      explanation: `A service was denied for ${matter.denialReason} with legal basis ${act.legalBasis}${cited ? '' : ' and no citation'}: only a cited law or eligibility rule allows it.`,
    });
  }
  if (
    matter.kind === 'SURVEILLANCE' &&
    does('AUTHORIZED', 'PARTICIPATED') &&
    (matter.target?.kind === 'POLITICAL_GROUP' || matter.target?.kind === 'RELIGIOUS_GROUP') &&
    !(act.legalBasis === 'CRIMINAL_PREDICATE' && act.approvedBy != null && act.approvedBy.trim() !== '')
  ) {
    found.push({
      ruleId: 'S8_SURVEILLANCE_WITHOUT_CRIMINAL_PREDICATE',
      explanation:
        act.legalBasis === 'CRIMINAL_PREDICATE'
          ? `Surveillance of a ${matter.target.kind} was ${act.action} on a criminal predicate no supervisor is recorded as approving.`
          : `Surveillance of a ${matter.target.kind} was ${act.action} with legal basis ${act.legalBasis}, not a specific criminal predicate.`,
    });
  }
  if (
    STUDENT_MATTERS.includes(matter.kind) &&
    does('DISCLOSED', 'ACCESS_GRANTED') &&
    IMMIGRATION_AGENCIES.includes(matter.requestingAgency) &&
    !STUDENT_RELEASE_BASES.includes(act.legalBasis)
  ) {
    found.push({
      ruleId: 'S10_STUDENT_INFORMATION_DISCLOSED',
      explanation: `${act.action} on a ${matter.kind} from ${matter.requestingAgency} with legal basis ${act.legalBasis}: beyond what federal law requires of a school.`,
    });
  }
  if (
    STUDENT_MATTERS.includes(matter.kind) &&
    does('DISCLOSED') &&
    COURT_COMPULSION.includes(act.legalBasis) &&
    act.noticeForbiddenByOrder !== true &&
    !actions.some((a) => a.data.action === 'PARENT_NOTIFIED' && isBefore(a.data.at, act.at))
  ) {
    found.push({
      ruleId: 'S10_PARENT_NOT_NOTIFIED',
      explanation: `Student information was disclosed under a ${act.legalBasis} with no parent notified beforehand and no order forbidding the notice.`,
    });
  }
  return found;
}
