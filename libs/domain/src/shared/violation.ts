/** What a rule returns: a violation of the ordinance, citing the recorded events that prove it. */

export const RULE_SECTIONS = {
  S1_STOP_BASED_SOLELY_ON_STATUS: 1,
  S1_VICTIM_WITNESS_STATUS_INQUIRY: 1,
  S2_DETAINER_HONORED_WITHOUT_JUDICIAL_WARRANT: 2,
  S2_HELD_BEYOND_RELEASE: 2,
  S2_HOLD_EXCEEDS_48_HOURS: 2,
  S2_TRANSFER_CONTRADICTS_DECISION: 2,
  S3_SENSITIVE_INFORMATION_DISCLOSED: 3,
  S4_CUSTODY_ACCESS_WITHOUT_JUDICIAL_WARRANT: 4,
  S4_INTERVIEW_WITHOUT_INFORMED_CONSENT: 4,
  S5_NOTICE_NOT_GIVEN: 5,
  S5_NOTICE_DEFICIENT: 5,
  S5_RELEASE_DATE_NOTICE_MISSING: 5,
  S6_REGISTRY_PARTICIPATION: 6,
  S7_UNNECESSARY_STATUS_COLLECTION: 7,
  S7_SERVICE_DENIED_ON_STATUS: 7,
  S8_SURVEILLANCE_WITHOUT_CRIMINAL_PREDICATE: 8,
  S9_CERTIFICATION_OVERDUE: 9,
  S9_DENIAL_ON_EXCLUDED_GROUND: 9,
  S10_STUDENT_INFORMATION_DISCLOSED: 10,
  S10_PARENT_NOT_NOTIFIED: 10,
  S11_REPORT_OVERDUE: 11,
} as const;
export type RuleId = keyof typeof RULE_SECTIONS;
export const RULE_IDS = Object.keys(RULE_SECTIONS) as RuleId[];

/** A reference to a recorded event, as cited in a violation's evidence. */
export interface EvidenceRef {
  eventId: string;
  streamId: string;
  revision: number;
  type: string;
}

/**
 * Whether oversight is shown a cited event. A case's opening holds nothing but the person's profile
 * and is cited only where that profile matters (whether the case names an attorney, say), so
 * oversight sees neither it nor, since a violation's id derives from the rest, that it is cited.
 */
export function shownToOversight(ref: Pick<EvidenceRef, 'type'>): boolean {
  return ref.type !== 'CaseOpened';
}

export interface DetectedViolation {
  ruleId: RuleId;
  section: number;
  streamId: string;
  requestId: string | null;
  /** When the act happened (the ordinance version is the one in force at this moment). */
  occurredAt: string;
  ordinanceVersion: number;
  /** The events that prove it; the first is the act itself. */
  evidence: EvidenceRef[];
  /** Plain-language reason; never contains personal data. */
  explanation: string;
}

/**
 * What a violation is about, whatever its id: its rule, its stream and the act it judged. A
 * violation's id hashes the events it was first found with, so a rules change that cites other
 * events finds the same violation under a new id; this stays.
 */
export interface ViolationAct {
  ruleId: RuleId;
  streamId: string;
  /** `actOf` its evidence. */
  act: string;
}

/**
 * The act a violation judged: the first event it cites, which the rules cite first whatever they
 * add later (a second detainer behind the same hold adds to the hold's evidence). A violation whose
 * stream holds nothing it cites (S11: a report never published, proven by the adoption that required
 * it) is about its stream itself: judged under another version, it cites another adoption, but the
 * report it misses is the same.
 */
export function actOf(v: Pick<DetectedViolation, 'streamId' | 'evidence'>): string {
  const first = v.evidence[0];
  return first?.streamId === v.streamId ? first.eventId : v.streamId;
}

export function violationActOf(v: Pick<DetectedViolation, 'ruleId' | 'streamId' | 'evidence'>): ViolationAct {
  return { ruleId: v.ruleId, streamId: v.streamId, act: actOf(v) };
}

/** A domain event as read back from its stream: the data rules need to cite it as evidence. */
export type Recorded<E extends { type: string; data: unknown }> = E & {
  eventId: string;
  streamId: string;
  revision: number;
  recordedAt: string;
};

export function evidenceOf(e: Recorded<{ type: string; data: unknown }>): EvidenceRef {
  return { eventId: e.eventId, streamId: e.streamId, revision: e.revision, type: e.type };
}
