import type { CommandContext } from '../case/case.commands';
import { ValidationError, type FieldError } from '../shared/errors';

/** Counsel's conclusions on a violation (§ 12); OPEN and WITHDRAWN are the register's, not counsel's. */
export const REVIEW_STATUSES = ['CONFIRMED', 'DISMISSED', 'REMEDIED'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

const NOTE_MAX_LENGTH = 10_000;

export type ReviewViolation = {
  type: 'ReviewViolation';
  data: { violationId: string; status: ReviewStatus; note: string };
} & CommandContext;

export type ViolationReviewed = {
  type: 'ViolationReviewed';
  data: { violationId: string; status: ReviewStatus; note: string; reviewedAt: string };
};

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
  const { violationId, status, note } = command.data;
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
  return [{ type: 'ViolationReviewed', data: { violationId, status, note, reviewedAt: command.now } }];
}

export const violationReviewDecider = {
  decide: decideViolationReview,
  evolve: evolveViolationReview,
  initialState: initialViolationReviewState,
};
