import type { OrdinanceVersion } from '../../ordinance/ordinance-version';
import {
  evidenceOf,
  RULE_SECTIONS,
  type DetectedViolation,
  type Recorded,
  type RuleId,
} from '../../shared/violation';
import type { CaseEvent } from '../case.events';

export interface Finding {
  /** The act the violation is about; cited first. */
  act: Recorded<CaseEvent>;
  occurredAt: string;
  requestId: string | null;
  /** The other events that prove it (absent ones skipped; each event cited once). */
  alsoCites: readonly (Recorded<CaseEvent> | null | undefined)[];
  /** Plain language, naming only vocabulary, counts and durations: never personal data. */
  explanation: string;
}

export function detected(ruleId: RuleId, version: OrdinanceVersion, finding: Finding): DetectedViolation {
  const cited = [finding.act, ...finding.alsoCites.filter((e): e is Recorded<CaseEvent> => e != null)];
  return {
    ruleId,
    section: RULE_SECTIONS[ruleId],
    streamId: finding.act.streamId,
    requestId: finding.requestId,
    occurredAt: finding.occurredAt,
    ordinanceVersion: version.version,
    evidence: cited.filter((e, i) => cited.findIndex((c) => c.eventId === e.eventId) === i).map(evidenceOf),
    explanation: finding.explanation,
  };
}
