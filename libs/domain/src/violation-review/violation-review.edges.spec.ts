/** Counsel's review: the rejections no other spec named field by field. */
import { ValidationError, type FieldError } from '../shared/errors';
import { violationReviewDecider, type ReviewViolation } from './violation-review';

const VIOLATION = '3f0c1f0e-8a43-5a8e-9a57-0d7e1e8a1b11';
const review = (status: string, note: unknown): ReviewViolation =>
  ({
    type: 'ReviewViolation',
    data: { violationId: VIOLATION, status, note },
    actor: 'counsel-1',
    now: '2024-05-01T10:00:00Z',
  }) as ReviewViolation;

function fieldErrors(command: ReviewViolation): FieldError[] {
  try {
    violationReviewDecider.decide(violationReviewDecider.initialState, command);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).errors;
  }
  throw new Error('expected a ValidationError');
}

describe('violation review — edges', () => {
  it('names both the status and the note when both are wrong', () => {
    expect(fieldErrors(review('OPEN', ' '))).toEqual([
      { field: 'status', reason: 'must be one of CONFIRMED, DISMISSED, REMEDIED' },
      { field: 'note', reason: 'must be a non-empty explanation of the conclusion' },
    ]);
  });

  it('refuses a note that is not text', () => {
    expect(fieldErrors(review('CONFIRMED', 42))).toEqual([
      { field: 'note', reason: 'must be a non-empty explanation of the conclusion' },
    ]);
  });

  it('takes a note of 10,000 characters and refuses one of 10,001', () => {
    const longest = 'x'.repeat(10_000);
    expect(violationReviewDecider.decide(violationReviewDecider.initialState, review('REMEDIED', longest))).toEqual([
      {
        type: 'ViolationReviewed',
        data: { violationId: VIOLATION, status: 'REMEDIED', note: longest, reviewedAt: '2024-05-01T10:00:00Z' },
      },
    ]);
    expect(fieldErrors(review('REMEDIED', `${longest}x`))).toEqual([
      { field: 'note', reason: 'must be at most 10000 characters' },
    ]);
  });
});
