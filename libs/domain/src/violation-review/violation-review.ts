import type { CommandContext } from '../case/case.commands';
import { ValidationError, type FieldError } from '../shared/errors';
import { RULE_IDS, type ViolationAct } from '../shared/violation';

/** Counsel's conclusions on a violation (§ 12); OPEN and WITHDRAWN are the register's, not counsel's. */
export const REVIEW_STATUSES = ['CONFIRMED', 'DISMISSED', 'REMEDIED'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

const NOTE_MAX_LENGTH = 10_000;

/** Counsel's review of the violation the register holds under `violationId`, with the act it judged. */
export type ReviewViolation = {
  type: 'ReviewViolation';
  data: { violationId: string; status: ReviewStatus; note: string } & ViolationAct;
} & CommandContext;

/**
 * A review names the violation's act beside its id, so that the register can still apply it when a
 * rules change finds the same violation under another id. Reviews recorded before it did name only
 * the id (`reviewedActOf`).
 */
export type ViolationReviewed = {
  type: 'ViolationReviewed';
  data: {
    violationId: string;
    status: ReviewStatus;
    note: string;
    reviewedAt: string;
  } & Partial<ViolationAct>;
};

/** The act a review names; undefined for one recorded before reviews named it, found by its id only. */
export function reviewedActOf(data: ViolationReviewed['data']): ViolationAct | undefined {
  const { ruleId, streamId, act } = data;
  if (ruleId === undefined || !RULE_IDS.includes(ruleId)) return undefined;
  return typeof streamId === 'string' && typeof act === 'string' ? { ruleId, streamId, act } : undefined;
}

type ViolationReviewEvent = ViolationReviewed;

/** One stream per violation, holding counsel's reviews of it in order. */
export const violationStreamId = (violationId: string): string => `violation-${violationId}`;
export const VIOLATION_STREAM_PREFIX = 'violation-';

interface ViolationReviewState {
  /** The latest review's status; null before the first review. */
  status: ReviewStatus | null;
}

const initialViolationReviewState: ViolationReviewState = { status: null };

function evolveViolationReview(
  _state: ViolationReviewState,
  event: ViolationReviewEvent,
): ViolationReviewState {
  return { status: event.data.status };
}

/**
 * Records a review. Whether the violation exists is the register's knowledge, not this stream's, so
 * the handler checks that before deciding; every review is kept, so counsel may revise a conclusion.
 */
function decideViolationReview(
  _state: ViolationReviewState,
  command: ReviewViolation,
): ViolationReviewEvent[] {
  const { violationId, status, note, ruleId, streamId, act } = command.data;
  const errors: FieldError[] = [];
  if (!(REVIEW_STATUSES as readonly string[]).includes(status)) {
    errors.push({ field: 'status', reason: `must be one of ${REVIEW_STATUSES.join(', ')}` });
  }
  if (typeof note !== 'string' || note.trim() === '') {
    errors.push({ field: 'note', reason: 'must be a non-empty explanation of the conclusion' });
  } else if (note.length > NOTE_MAX_LENGTH) {
    errors.push({ field: 'note', reason: `must be at most ${NOTE_MAX_LENGTH} characters` });
  }
  if (errors.length > 0) throw new ValidationError(errors);
  const reviewedAt = command.now;
  return [
    { type: 'ViolationReviewed', data: { violationId, status, note, reviewedAt, ruleId, streamId, act } },
  ];
}

export const violationReviewDecider = {
  decide: decideViolationReview,
  evolve: evolveViolationReview,
  initialState: initialViolationReviewState,
};
