import {
  actOf,
  remembered,
  shownToOversight,
  type DetectedViolation,
  type EvidenceRef,
  type ReviewStatus,
  type RuleId,
} from '@trust-ledger/domain';
import { v5 as uuidv5 } from 'uuid';

export type ViolationStatus = 'OPEN' | ReviewStatus | 'WITHDRAWN';
export const VIOLATION_STATUSES: readonly ViolationStatus[] = [
  'OPEN',
  'CONFIRMED',
  'DISMISSED',
  'REMEDIED',
  'WITHDRAWN',
];

export interface StatusChange {
  status: ViolationStatus;
  at: string;
  /** The reviewer's `sub`, or REGISTER_ACTOR for the register's own transitions. */
  by: string;
  note?: string;
  /** The event behind the change: the one that made it fire, cleared it, or recorded the review. */
  eventId: string;
}

/** A violation as the register keeps it and API.md shows it (`requestId` null where none). */
export interface RegisteredViolation {
  violationId: string;
  ruleId: RuleId;
  section: number;
  streamId: string;
  agencyId: string | null;
  requestId: string | null;
  occurredAt: string;
  detectedAt: string;
  ordinanceVersion: number;
  evidence: EvidenceRef[];
  explanation: string;
  status: ViolationStatus;
  statusHistory: StatusChange[];
  /**
   * The facts it was shown with before a later judgement changed them (a version adopted later
   * judging the act, say), each with `until`, when that judgement was made: what a look into the
   * past shows. Not in API.md's view of a violation.
   */
  earlierFacts: EarlierFacts[];
}

/** What a rule found besides which act it judged; a violation keeps its id while these change. */
type JudgedFacts = Pick<
  RegisteredViolation,
  'requestId' | 'occurredAt' | 'ordinanceVersion' | 'evidence' | 'explanation'
>;

export type EarlierFacts = JudgedFacts & { until: string };

/** The event whose processing prompted a judgement. */
export interface Trigger {
  eventId: string;
  recordedAt: string;
}

export const REGISTER_ACTOR = 'system:violation-register';

const VIOLATION_ID_NAMESPACE = '8a1bbfff-2a0b-4cfe-a8b6-316b22b0fe78';

/**
 * The id a violation is first detected under: the same rule proven by the same events is the same
 * violation, however often (or in whichever run) it is detected, so re-processing never duplicates
 * one and a rebuild reproduces its id. It keeps that id when later facts add to its evidence (see
 * `judge`). Only the evidence oversight is shown counts: recomputing the id from what it sees, it
 * would otherwise learn whether the hidden case opening is cited, a fact of the person's profile.
 */
export function violationIdOf(v: Pick<DetectedViolation, 'ruleId' | 'streamId' | 'evidence'>): string {
  const evidence = v.evidence
    .filter(shownToOversight)
    .map((e) => e.eventId)
    .sort();
  return idOfName([v.ruleId, v.streamId, ...evidence].join('\n'));
}

/**
 * The id `v` had before ids left out the evidence oversight is not shown, if that differs: a review
 * recorded before reviews named their act knows the violation by it alone. Derived, as the id was,
 * from the evidence the violation was first detected with.
 */
export function formerViolationIdOf(v: RegisteredViolation): string | undefined {
  const first = v.earlierFacts[0]?.evidence ?? v.evidence;
  if (first.every(shownToOversight)) return undefined;
  return idOfName([v.ruleId, v.streamId, ...first.map((e) => e.eventId).sort()].join('\n'));
}

// A stream is judged again at each of its events and finds the same violations: hash each once.
const idOfName = remembered(2_000, (name: string) => uuidv5(name, VIOLATION_ID_NAMESPACE));

/**
 * Compares what a stream's rules find now with what the register holds for it, and returns the
 * entries that change. A finding is the violation the register holds under its id or, failing that,
 * the one of the same rule that judged the same act (`actOf`: its first evidence): a second detainer behind
 * the same hold adds to the hold's evidence, it does not make the hold lawful, so counsel's review
 * of it stands.
 * - newly firing → OPEN, detected at the trigger;
 * - no longer firing → WITHDRAWN, citing the trigger as the event that cleared it (from any status:
 *   the facts now show the act lawful, whatever was concluded before);
 * - firing again after withdrawal → OPEN again: counsel's earlier conclusion was about facts that
 *   have since changed, so it is reviewed afresh (the history keeps everything; detectedAt stays
 *   the first detection);
 * - still firing → its judged facts refreshed (e.g. the ordinance version that now judges it), its
 *   status untouched.
 */
export function judge(
  current: readonly RegisteredViolation[],
  detected: readonly DetectedViolation[],
  agencyId: string | null,
  trigger: Trigger,
): RegisteredViolation[] {
  const found = new Map<string, DetectedViolation>();
  for (const d of detected) {
    const id = violationIdOf(d);
    if (!found.has(id)) found.set(id, d);
  }
  const byId = new Map(current.map((c) => [c.violationId, c]));
  // Findings under a new id take the id of a held violation of their act that is not found as such.
  const unclaimed = current.filter((c) => !found.has(c.violationId));
  const firing = new Map<string, DetectedViolation>();
  for (const [id, d] of found) {
    const same = byId.has(id) ? -1 : unclaimed.findIndex((c) => sameAct(c, d));
    firing.set(same < 0 ? id : unclaimed.splice(same, 1)[0].violationId, d);
  }
  const changed: RegisteredViolation[] = [];
  const change = (status: ViolationStatus): StatusChange => ({
    status,
    at: trigger.recordedAt,
    by: REGISTER_ACTOR,
    eventId: trigger.eventId,
  });

  for (const c of current) {
    if (!firing.has(c.violationId) && c.status !== 'WITHDRAWN') {
      changed.push({ ...c, status: 'WITHDRAWN', statusHistory: [...c.statusHistory, change('WITHDRAWN')] });
    }
  }
  for (const [violationId, d] of firing) {
    const c = byId.get(violationId);
    const facts = factsOf(d);
    if (c === undefined) {
      changed.push({
        violationId,
        ...facts,
        agencyId,
        detectedAt: trigger.recordedAt,
        status: 'OPEN',
        statusHistory: [change('OPEN')],
        earlierFacts: [],
      });
    } else if (c.status === 'WITHDRAWN') {
      changed.push({
        ...c,
        ...facts,
        status: 'OPEN',
        statusHistory: [...c.statusHistory, change('OPEN')],
        earlierFacts: earlierFactsOf(c, d, trigger),
      });
    } else if (JSON.stringify(factsOf(c)) !== JSON.stringify(facts)) {
      changed.push({ ...c, ...facts, earlierFacts: earlierFactsOf(c, d, trigger) });
    }
  }
  return changed;
}

export interface Review {
  status: ReviewStatus;
  note: string;
  at: string;
  by: string;
  eventId: string;
}

/**
 * Applies counsel's review. A review that arrives after the violation was withdrawn (the two raced)
 * is kept in the history, but a withdrawn violation stays WITHDRAWN: facts outrank conclusions.
 */
export function applyReview(v: RegisteredViolation, review: Review): RegisteredViolation {
  const entry: StatusChange = {
    status: review.status,
    at: review.at,
    by: review.by,
    note: review.note,
    eventId: review.eventId,
  };
  return {
    ...v,
    status: v.status === 'WITHDRAWN' ? 'WITHDRAWN' : review.status,
    statusHistory: [...v.statusHistory, entry],
  };
}

/**
 * The violation as it was shown at `at`: none if not detected by then; else with the status it had
 * then, the history up to then, and the facts it was judged with then.
 */
export function violationAsOf(v: RegisteredViolation, at: string): RegisteredViolation | undefined {
  const until = Date.parse(at);
  const statusHistory = v.statusHistory.filter((change) => Date.parse(change.at) <= until);
  const last = statusHistory[statusHistory.length - 1];
  if (Date.parse(v.detectedAt) > until || last === undefined) return undefined;
  const replaced = v.earlierFacts.findIndex((earlier) => Date.parse(earlier.until) > until);
  if (replaced < 0) return { ...v, status: last.status, statusHistory };
  const { until: _, ...facts } = v.earlierFacts[replaced];
  return {
    ...v,
    ...facts,
    status: last.status,
    statusHistory,
    earlierFacts: v.earlierFacts.slice(0, replaced),
  };
}

/** Whether two findings are of one rule about one act (see `actOf`). */
function sameAct(a: RegisteredViolation, b: DetectedViolation): boolean {
  return a.ruleId === b.ruleId && a.streamId === b.streamId && actOf(a) === actOf(b);
}

function judgedFactsOf(v: DetectedViolation | RegisteredViolation): JudgedFacts {
  return {
    requestId: v.requestId,
    occurredAt: v.occurredAt,
    ordinanceVersion: v.ordinanceVersion,
    evidence: v.evidence,
    explanation: v.explanation,
  };
}

function factsOf(v: DetectedViolation | RegisteredViolation) {
  return { ruleId: v.ruleId, section: v.section, streamId: v.streamId, ...judgedFactsOf(v) };
}

/** `c`'s earlier facts, with the ones it has now added if the judgement at `trigger` changes them. */
function earlierFactsOf(c: RegisteredViolation, d: DetectedViolation, trigger: Trigger): EarlierFacts[] {
  const before = judgedFactsOf(c);
  return JSON.stringify(before) === JSON.stringify(judgedFactsOf(d))
    ? c.earlierFacts
    : [...c.earlierFacts, { ...before, until: trigger.recordedAt }];
}
