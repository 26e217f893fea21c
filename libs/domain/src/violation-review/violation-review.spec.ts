import { ValidationError } from '../shared/errors';
import { fieldErrorsFor, specFor } from '../../testing/given-when-then';
import type { ViolationAct } from '../shared/violation';
import {
  reviewedActOf,
  violationReviewDecider,
  type ReviewViolation,
  type ViolationReviewed,
} from './violation-review';

const given = specFor(violationReviewDecider);
const fieldErrors = fieldErrorsFor(violationReviewDecider);
const VIOLATION = '3f0c1f0e-8a43-5a8e-9a57-0d7e1e8a1b11';
const ACT: ViolationAct = {
  ruleId: 'S2_HELD_BEYOND_RELEASE',
  streamId: 'case-c1000000-0000-4000-8000-000000000001',
  act: 'e1000000-0000-4000-8000-000000000001',
};
/** `note` is `unknown`: a body may carry anything there. */
const review = (status: string, note: unknown = 'Reviewed the evidence pack'): ReviewViolation =>
  ({
    type: 'ReviewViolation',
    data: { violationId: VIOLATION, status, note, ...ACT },
    actor: 'counsel-1',
    now: '2024-05-01T10:00:00Z',
  }) as ReviewViolation;
const reviewed = (
  status: ViolationReviewed['data']['status'],
  note = 'Reviewed the evidence pack',
): ViolationReviewed => ({
  type: 'ViolationReviewed',
  data: { violationId: VIOLATION, status, note, reviewedAt: '2024-05-01T10:00:00Z', ...ACT },
});

describe('violation review', () => {
  it('records counsel’s conclusion with its note and time', () => {
    given([])
      .when(review('CONFIRMED'))
      .then([reviewed('CONFIRMED')]);
  });

  it('names the act the violation judged beside its id, which a rules change may replace', () => {
    given([])
      .when(review('DISMISSED'))
      .then([
        {
          type: 'ViolationReviewed',
          data: {
            violationId: VIOLATION,
            status: 'DISMISSED',
            note: 'Reviewed the evidence pack',
            reviewedAt: '2024-05-01T10:00:00Z',
            ruleId: 'S2_HELD_BEYOND_RELEASE',
            streamId: 'case-c1000000-0000-4000-8000-000000000001',
            act: 'e1000000-0000-4000-8000-000000000001',
          },
        },
      ]);
  });

  it('lets counsel revise an earlier conclusion', () => {
    given([reviewed('CONFIRMED')])
      .when(review('REMEDIED', 'Subject released; policy retrained'))
      .then([reviewed('REMEDIED', 'Subject released; policy retrained')]);
  });

  it('refuses statuses counsel cannot set', () => {
    given([]).when(review('WITHDRAWN')).thenThrows(ValidationError, 'VALIDATION_FAILED');
    given([]).when(review('OPEN')).thenThrows(ValidationError);
  });

  it('requires a note', () => {
    given([]).when(review('DISMISSED', '   ')).thenThrows(ValidationError);
  });

  it('names both the status and the note when both are wrong', () => {
    expect(fieldErrors([], review('OPEN', ' '))).toEqual([
      { field: 'status', reason: 'must be one of CONFIRMED, DISMISSED, REMEDIED' },
      { field: 'note', reason: 'must be a non-empty explanation of the conclusion' },
    ]);
  });

  it('refuses a note that is not text', () => {
    expect(fieldErrors([], review('CONFIRMED', 42))).toEqual([
      { field: 'note', reason: 'must be a non-empty explanation of the conclusion' },
    ]);
  });

  it('takes a note of 10,000 characters and refuses one of 10,001', () => {
    const longest = 'x'.repeat(10_000);
    given([])
      .when(review('REMEDIED', longest))
      .then([reviewed('REMEDIED', longest)]);
    expect(fieldErrors([], review('REMEDIED', `${longest}x`))).toEqual([
      { field: 'note', reason: 'must be at most 10000 characters' },
    ]);
  });

  it('tracks the latest conclusion', () => {
    const state = [reviewed('CONFIRMED'), reviewed('DISMISSED')].reduce(
      violationReviewDecider.evolve,
      violationReviewDecider.initialState,
    );
    expect(state).toEqual({ status: 'DISMISSED' });
  });

  it('reads the act a review names, and none from a review recorded before reviews named it', () => {
    expect(reviewedActOf(reviewed('CONFIRMED').data)).toEqual(ACT);
    const { ruleId: _r, streamId: _s, act: _a, ...idOnly } = reviewed('CONFIRMED').data;
    expect(reviewedActOf(idOnly)).toBeUndefined();
    expect(reviewedActOf({ ...idOnly, ruleId: ACT.ruleId, streamId: ACT.streamId })).toBeUndefined();
  });
});
